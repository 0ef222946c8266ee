package dqn.env.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GymSeedsTest {

  @Test
  void aleSeedIsTheOneGymnasiumDerives() {
    // numpy.int32(SeedSequence(s).generate_state(2)[1]) as ale_py's AtariEnv.seed_game sets it.
    assertEquals(-617818137, GymSeeds.aleSeed(0));
    assertEquals(-1625411987, GymSeeds.aleSeed(42));
    assertEquals(1602421836, GymSeeds.aleSeed(1234));
  }
}
