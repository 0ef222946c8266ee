package dqn.env.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FallbackActionSourceTest {

  private static final byte[] OBSERVATIONS = new byte[2];
  private static final long[] SHAPE = {1};

  /** A primary that answers while {@code up}, with actions {7, 7} from {@code version}. */
  private static final class Primary implements ActionSource {
    volatile boolean up = true;
    volatile long version = 3;
    int calls;

    @Override
    public Choice choose(byte[] observations, int rows, long[] observationShape) throws SourceUnavailableException {
      calls++;
      if (!up) {
        throw new SourceUnavailableException("the inference-service did not answer (UNAVAILABLE)", null);
      }
      return new Choice(new int[] {7, 7}, version);
    }

    @Override
    public void close() {}
  }

  /** A copy answering action {version, version}, recording its closing. */
  private static final class Copy implements LocalPolicy {
    final long version;
    volatile boolean closed;

    Copy(long version) {
      this.version = version;
    }

    @Override
    public long version() {
      return version;
    }

    @Override
    public int[] greedy(byte[] observations, int rows, long[] observationShape) {
      assertTrue(!closed, "a closed copy is not used");
      return new int[] {(int) version, (int) version};
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final List<Long> loads = new CopyOnWriteArrayList<>();
  private final List<Copy> loaded = new CopyOnWriteArrayList<>();

  private LastModelCopy copyLoading() {
    return new LastModelCopy(
        "pong",
        (model, version) -> {
          loads.add(version);
          if (version == 5) {
            throw new IllegalStateException("the download was cut off");
          }
          Copy copy = new Copy(version);
          loaded.add(copy);
          return copy;
        });
  }

  private static ActionSource.Choice awaitCopy(LastModelCopy copy, long version) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      ActionSource.Choice choice = copy.choose(OBSERVATIONS, 2, SHAPE);
      if (choice != null && choice.modelVersion() == version) {
        return choice;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no copy of v" + version);
  }

  @Test
  void actsWithTheLastServedVersionWhileThePrimaryIsAwayAndGoesBackToIt() throws Exception {
    Primary primary = new Primary();
    try (LastModelCopy copy = copyLoading()) {
      FallbackActionSource source = new FallbackActionSource(primary, copy, "actor 0");

      primary.up = false;
      assertThrows(ActionSource.SourceUnavailableException.class, () -> source.choose(OBSERVATIONS, 2, SHAPE),
          "without a copy the actor pauses, as before");

      primary.up = true;
      assertArrayEquals(new int[] {7, 7}, source.choose(OBSERVATIONS, 2, SHAPE).greedyActions());
      awaitCopy(copy, 3);

      primary.up = false;
      int callsBefore = primary.calls;
      ActionSource.Choice local = source.choose(OBSERVATIONS, 2, SHAPE);
      assertEquals(3, local.modelVersion());
      assertArrayEquals(new int[] {3, 3}, local.greedyActions());
      for (int i = 0; i < 20; i++) {
        assertEquals(3, source.choose(OBSERVATIONS, 2, SHAPE).modelVersion());
      }
      assertEquals(callsBefore + 1, primary.calls, "the unreachable primary is asked again only after a second");
      assertEquals(
          "the inference-service did not answer (UNAVAILABLE); acting with the copy of v3 meanwhile", source.problem());

      primary.up = true;
      Thread.sleep(1_100);
      assertArrayEquals(new int[] {7, 7}, source.choose(OBSERVATIONS, 2, SHAPE).greedyActions());
      assertEquals("", source.problem());
    }
  }

  @Test
  void aNewerVersionReplacesTheCopyAndAFailedOneIsNotFetchedAgain() throws Exception {
    Primary primary = new Primary();
    LastModelCopy copy = copyLoading();
    FallbackActionSource source = new FallbackActionSource(primary, copy, "actor 0");
    source.choose(OBSERVATIONS, 2, SHAPE);
    awaitCopy(copy, 3);
    source.choose(OBSERVATIONS, 2, SHAPE); // v3 again: held, not fetched again
    primary.version = 2; // an older version (a roll back) is not fetched over a newer copy
    source.choose(OBSERVATIONS, 2, SHAPE);
    primary.version = 4;
    source.choose(OBSERVATIONS, 2, SHAPE);
    awaitCopy(copy, 4);
    assertTrue(loaded.get(0).closed, "the replaced copy is closed");

    primary.version = 5; // its download fails: the v4 copy stays
    source.choose(OBSERVATIONS, 2, SHAPE);
    source.choose(OBSERVATIONS, 2, SHAPE);
    Thread.sleep(200);
    assertEquals(4, copy.choose(OBSERVATIONS, 2, SHAPE).modelVersion());
    assertEquals(List.of(3L, 4L, 5L), new ArrayList<>(loads));

    copy.close();
    assertTrue(loaded.get(1).closed, "closing closes the copy");
    assertNull(copy.choose(OBSERVATIONS, 2, SHAPE));
    copy.served(9);
    Thread.sleep(100);
    assertEquals(List.of(3L, 4L, 5L), new ArrayList<>(loads), "nothing is fetched after close");
    assertSame(loaded.get(1), loaded.get(loaded.size() - 1));
  }
}
