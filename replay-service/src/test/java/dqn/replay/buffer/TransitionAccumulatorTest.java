package dqn.replay.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readiness, step counts and stacking of one stream, on hand-built episodes (n = 2, stack 3). */
class TransitionAccumulatorTest {

  private final List<Long> ready = new ArrayList<>();
  private final TransitionAccumulator stream = new TransitionAccumulator("s", 0, 0, 2, 3);

  private void add(byte flags) {
    long seq = stream.next();
    stream.append(flags, 1, 1f, (int) seq, 0, 1, 1, ready::add);
  }

  @Test
  void transitionsBecomeReadyWhenTheirNStepsAreKnown() {
    add(ReplayStore.EPISODE_START); // 0
    add((byte) 0); // 1
    assertEquals(List.of(), ready, "step 0 needs step 2 for its 2-step return");
    add((byte) 0); // 2
    assertEquals(List.of(0L), ready);
    add(ReplayStore.TERMINATED); // 3
    assertEquals(List.of(0L, 1L, 2L), ready, "an episode end completes every pending transition");
    assertEquals(2, stream.stepsTaken(1));
    assertEquals(1, stream.stepsTaken(2));
    assertTrue(stream.terminated(3));
    assertFalse(stream.episodeOpen());
    assertFalse(stream.isSampleable(3), "a terminal step starts no transition");
  }

  @Test
  void aNewEpisodeCompletesTheAbandonedOneAndStacksNeverCrossIt() {
    add(ReplayStore.EPISODE_START); // 0
    add((byte) 0); // 1
    add((byte) 0); // 2  -> 0 ready
    add(ReplayStore.EPISODE_START); // 3 abandons 0..2 -> 1 ready with one step
    assertEquals(List.of(0L, 1L), ready);
    assertEquals(1, stream.stepsTaken(1));
    add((byte) 0); // 4
    assertEquals(3, stream.stackedFrame(4, 0), "padded with the episode's first frame");
    assertEquals(3, stream.stackedFrame(4, 1));
    assertEquals(4, stream.stackedFrame(4, 2));
    assertEquals(0, stream.stackedFrame(2, 0));
    assertEquals(2, stream.stackedFrame(2, 2));
  }

  @Test
  void evictionRetiresTransitionsWhoseStackNeedsTheEvictedFrame() {
    add(ReplayStore.EPISODE_START); // 0
    for (int i = 0; i < 6; i++) {
      add((byte) 0); // 1..6 -> 0..4 ready
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ready);
    List<Long> retired = new ArrayList<>();
    stream.evictOldest(retired::add);
    // Evicting 0: transition 0 goes, and 1 and 2 (stacks [0,0,1], [0,1,2]) need frame 0.
    assertEquals(List.of(0L, 1L, 2L), retired);
    assertTrue(stream.isSampleable(3));
    add((byte) 0); // 7 -> 5 ready
    assertTrue(stream.isSampleable(5));
  }
}
