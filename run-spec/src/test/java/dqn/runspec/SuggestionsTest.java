package dqn.runspec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  private static final List<String> GAMES =
      List.of("breakout", "catch", "pong", "pooyan", "space_invaders", "video_pinball");

  @Test
  void aTypoFindsTheGameByEditDistance() {
    assertEquals(List.of("pong", "pooyan"), Suggestions.closest("pongg", GAMES, 2));
    assertEquals("catch", Suggestions.closest("cach", GAMES, 1).get(0));
    assertEquals("breakout", Suggestions.closest("braekout", GAMES, 1).get(0));
  }

  @Test
  void casesSpacesAndHyphensAreFoldedAndPartOfANameCountsAsOne() {
    assertEquals(0, Suggestions.distance("Space Invaders", "space_invaders"));
    assertEquals(0, Suggestions.distance("video-pinball", "video_pinball"));
    assertEquals(1, Suggestions.distance("Space Invader", "space_invaders"));
    assertEquals(1, Suggestions.distance("pinball", "video_pinball"));
    assertEquals("video_pinball", Suggestions.closest("pinball", GAMES, 1).get(0));
  }

  @Test
  void tiesGoAlphabeticallyAndTheCountIsKept() {
    assertEquals(List.of("bong", "pong"), Suggestions.closest("xxxx", List.of("pong", "bong"), 5));
    assertEquals(3, Suggestions.closest("x", GAMES, 3).size());
  }

  @Test
  void runSpecificationKeysUseTheSameRule() {
    assertEquals(0, Suggestions.distance("algorithm.learning_starts_steps", "algorithm.learning-starts-steps"));
    assertEquals(2, Suggestions.distance("algoritm.gama", "algorithm.gamma"));
  }
}
