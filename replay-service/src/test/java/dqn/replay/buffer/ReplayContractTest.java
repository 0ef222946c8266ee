package dqn.replay.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.testing.Frames;
import dqn.replay.testing.Frames.StreamBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Replay} promises over any {@link ReplayStore}: the Redis and the in-memory store
 * each run this whole suite. Frames are small (6x7) and name their own stream and sequence.
 */
public abstract class ReplayContractTest {

  protected static final int H = 6;
  protected static final int W = 7;
  protected static final int CHUNK = 8;
  private static final int STACK = 4;
  private static final double GAMMA = 0.5;

  private final List<Replay> opened = new ArrayList<>();

  /** A store with nothing in it. */
  protected abstract ReplayStore emptyStore(ReplayStore.Layout layout);

  /** A second store over the same data as the last {@link #emptyStore} (a restart). */
  protected abstract ReplayStore reopenedStore(ReplayStore.Layout layout);

  protected static ReplaySettings settings(int capacity, int nStep) {
    return new ReplaySettings(
        capacity, H, W, STACK, nStep, GAMMA, true, CHUNK, 256, 16, SamplingMode.UNIFORM, 0.6,
        1e-6, 0.4, 1000, 42);
  }

  protected Replay replay(ReplaySettings settings, ReplayStore store, long minSize) {
    Replay replay =
        new Replay(settings, new RateLimiter.Settings(minSize, 0, 1), store, new Lz4FrameCodec());
    opened.add(replay);
    return replay;
  }

  private Replay freshReplay(int capacity, int nStep) {
    return replay(settings(capacity, nStep), emptyStore(layout()), 1);
  }

  protected static ReplayStore.Layout layout() {
    return new ReplayStore.Layout(H, W, CHUNK);
  }

  @AfterEach
  void closeReplays() {
    opened.forEach(Replay::close);
  }

  /** Expected content of one transition: frame sequences of both states, action, return, discount. */
  private record Expected(long[] obs, long[] next, int action, float ret, float discount) {}

  private static Expected expect(long[] obs, long[] next, int action, double ret, double discount) {
    return new Expected(obs, next, action, (float) ret, (float) discount);
  }

  @Test
  void nStepReturnsAndStacksFollowEpisodeBoundaries() {
    Replay replay = freshReplay(256, 3);
    StreamBuilder s = new StreamBuilder(H * W, 1, 0);
    // Episode A ends terminated, B truncated, C is abandoned by the start of D.
    s.start().step(1, 1).step(2, -2).step(3, 0.5f).terminate(1, 3);
    s.start().step(2, 1).step(0, 0).truncate(1, -5);
    s.start().step(3, 2).step(1, 1);
    InsertResult first = replay.insert("actor-1", s.take(), () -> false);
    assertEquals(11, first.ackedSequence());
    assertEquals(7, first.transitionsAdded());
    InsertResult second = replay.insert("actor-1", s.start().step(0, 1).take(), () -> false);
    assertEquals(13, second.ackedSequence());
    assertEquals(2, second.transitionsAdded(), "the abandoned episode's last steps become ready");
    assertEquals(9, replay.size());

    Map<Long, Expected> expected = new HashMap<>();
    // Rewards are sign-clipped: A = 1, -1, 1, 1; B = 1, 0, -1; C = 1, 1.
    expected.put(0L, expect(seqs(0, 0, 0, 0), seqs(0, 1, 2, 3), 1, 1 - 0.5 + 0.25, 0.125));
    expected.put(1L, expect(seqs(0, 0, 0, 1), seqs(1, 2, 3, 4), 2, -1 + 0.5 + 0.25, 0));
    expected.put(2L, expect(seqs(0, 0, 1, 2), seqs(1, 2, 3, 4), 3, 1 + 0.5, 0));
    expected.put(3L, expect(seqs(0, 1, 2, 3), seqs(1, 2, 3, 4), 1, 1, 0));
    expected.put(5L, expect(seqs(5, 5, 5, 5), seqs(5, 6, 7, 8), 2, 1 + 0 - 0.25, 0.125));
    expected.put(6L, expect(seqs(5, 5, 5, 6), seqs(5, 6, 7, 8), 0, -0.5, 0.25));
    expected.put(7L, expect(seqs(5, 5, 6, 7), seqs(5, 6, 7, 8), 1, -1, 0.5));
    expected.put(9L, expect(seqs(9, 9, 9, 9), seqs(9, 9, 10, 11), 3, 1 + 0.5, 0.25));
    expected.put(10L, expect(seqs(9, 9, 9, 10), seqs(9, 9, 10, 11), 1, 1, 0.5));

    SampledBatch batch = replay.sample(200, SamplingMode.UNIFORM, null, 0);
    Set<Long> seen = new HashSet<>();
    int frame = H * W;
    for (int i = 0; i < batch.size(); i++) {
      long seq = batch.ids()[i] & ((1L << 40) - 1);
      Expected e = expected.get(seq);
      assertTrue(e != null, "sampled a step that is no transition: " + seq);
      seen.add(seq);
      assertEquals(e.action(), batch.actions()[i], "action of " + seq);
      assertEquals(e.ret(), batch.returns()[i], 1e-6, "return of " + seq);
      assertEquals(e.discount(), batch.discounts()[i], 1e-6, "discount of " + seq);
      assertEquals(1f, batch.weights()[i]);
      assertEquals(1f / 9, batch.probabilities()[i], 1e-6);
      for (int f = 0; f < STACK; f++) {
        int offset = (i * STACK + f) * frame;
        assertEquals(e.obs()[f], Frames.sequenceOf(batch.observations(), offset), "obs of " + seq);
        assertEquals(
            e.next()[f], Frames.sequenceOf(batch.nextObservations(), offset), "next of " + seq);
        byte[] stored = Frames.frame(frame, 1, e.obs()[f]);
        byte[] got = new byte[frame];
        System.arraycopy(batch.observations(), offset, got, 0, frame);
        assertArrayEquals(stored, got, "frame bytes survive compression and storage");
      }
    }
    assertEquals(expected.keySet(), seen, "every transition is drawn in 200 uniform samples");
  }

  private static long[] seqs(long... s) {
    return s;
  }

  @Test
  void resentStepsAreStoredOnce() {
    Replay replay = freshReplay(256, 1);
    StreamBuilder s = new StreamBuilder(H * W, 2, 0);
    List<Step> batch = s.start().step(1, 0).step(1, 0).take();
    replay.insert("a", batch, () -> false);
    long size = replay.size();
    InsertResult again = replay.insert("a", batch, () -> false);
    assertEquals(2, again.ackedSequence());
    assertEquals(0, again.transitionsAdded());
    List<Step> overlapping = new ArrayList<>(batch.subList(1, 3));
    overlapping.addAll(s.step(2, 0).take());
    InsertResult partly = replay.insert("a", overlapping, () -> false);
    assertEquals(3, partly.ackedSequence());
    assertEquals(size + 1, replay.size());
  }

  @Test
  void gapsAndStepsOutsideEpisodesAreRefusedWithWhatToSend() {
    Replay replay = freshReplay(256, 1);
    StreamBuilder s = new StreamBuilder(H * W, 3, 0);
    List<Step> noStart = new StreamBuilder(H * W, 3, 0).step(1, 0).take();
    var outside =
        assertThrows(
            ReplayException.FailedPrecondition.class,
            () -> replay.insert("b", noStart, () -> false));
    assertTrue(outside.getMessage().contains("episode_start=true"), outside.getMessage());

    replay.insert("b", s.start().terminate(1, 1).take(), () -> false);
    var afterEnd =
        assertThrows(
            ReplayException.FailedPrecondition.class,
            () -> replay.insert("b", s.step(1, 0).take(), () -> false));
    assertTrue(afterEnd.getMessage().contains("no open episode at sequence 2"), afterEnd.getMessage());

    List<Step> gap = new StreamBuilder(H * W, 3, 5).start().take();
    var gapError =
        assertThrows(
            ReplayException.FailedPrecondition.class, () -> replay.insert("b", gap, () -> false));
    assertTrue(gapError.getMessage().contains("resend from 2"), gapError.getMessage());

    List<Step> wrongSize =
        List.of(new Step(2, true, 0, 0, false, false, new byte[84 * 84]));
    var size =
        assertThrows(
            ReplayException.InvalidRequest.class, () -> replay.insert("b", wrongSize, () -> false));
    assertTrue(size.getMessage().contains("6x7"), size.getMessage());
    assertEquals(1, replay.size(), "refused requests store nothing");
  }

  @Test
  void samplingBelowTheMinimumFillSaysHowFarOff() {
    Replay replay = replay(settings(256, 1), emptyStore(layout()), 100);
    replay.insert("c", new StreamBuilder(H * W, 4, 0).start().step(1, 1).step(1, 1).take(), () -> false);
    var e =
        assertThrows(
            ReplayException.FailedPrecondition.class,
            () -> replay.sample(4, SamplingMode.UNIFORM, null, 0));
    assertTrue(e.getMessage().contains("holds 2 transitions; sampling starts at 100"), e.getMessage());
  }

  @Test
  void evictionIsFifoAndNeverStacksAnEvictedFrame() {
    int capacity = 64;
    Replay replay = freshReplay(capacity, 1);
    StreamBuilder a = new StreamBuilder(H * W, 5, 0);
    StreamBuilder b = new StreamBuilder(H * W, 6, 0);
    replay.insert("a", a.start().take(), () -> false);
    replay.insert("b", b.start().take(), () -> false);
    List<Long> firstIds = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 5; i++) {
        a.step(1, 0);
        b.step(2, 0);
      }
      replay.insert("a", a.take(), () -> false);
      replay.insert("b", b.take(), () -> false);
      if (round == 0) {
        firstIds.add(replay.sample(1, SamplingMode.UNIFORM, null, 0).ids()[0]);
      }
    }
    // 202 steps went in (global order: a0, b0, then 5 of a and 5 of b per round); the newest 64
    // remain: a from sequence 71, b from 67. Transitions whose stacked state would need an
    // evicted frame (the first 3 of each stream) and each stream's newest step are not sampleable.
    Map<Integer, Long> firstLive = Map.of(5, 71L, 6, 67L);
    assertEquals(capacity - 2 * (STACK - 1) - 2, replay.size());
    SampledBatch batch = replay.sample(256, SamplingMode.UNIFORM, null, 0);
    int frame = H * W;
    for (int i = 0; i < batch.size(); i++) {
      long seq = batch.ids()[i] & ((1L << 40) - 1);
      int offset = i * STACK * frame;
      long first = firstLive.get(Frames.streamTagOf(batch.observations(), offset));
      assertTrue(seq >= first + STACK - 1, "sampled transition " + seq + " needs evicted frames");
      assertTrue(
          Frames.sequenceOf(batch.observations(), offset) >= first,
          "stacked an evicted frame " + Frames.sequenceOf(batch.observations(), offset));
    }
    assertEquals(0, replay.updatePriorities(
        firstIds.stream().mapToLong(Long::longValue).toArray(), new float[] {1f}),
        "evicted ids are skipped, not refused");
    ReplayStore.StoredReplay stored = reopenedStoreOrSame().load();
    long storedSteps = stored.streams().stream().mapToLong(st -> st.steps().size()).sum();
    assertTrue(storedSteps <= capacity + 2L * CHUNK,
        "chunks of evicted steps are deleted from the store; it holds " + storedSteps);
  }

  private ReplayStore reopenedStoreOrSame() {
    return reopenedStore(layout());
  }

  @Test
  void prioritiesAreValidatedAndUnknownIdsAreNotFound() {
    Replay replay = freshReplay(256, 1);
    replay.insert("d", new StreamBuilder(H * W, 7, 0).start().step(1, 1).step(1, 1).step(0, 1).take(), () -> false);
    SampledBatch batch = replay.sample(8, SamplingMode.PRIORITIZED, null, 0);
    // Eight draws of three transitions repeat ids: each is counted once.
    assertEquals(
        java.util.Arrays.stream(batch.ids()).distinct().count(), replay.updatePriorities(batch.ids(), new float[8]));
    var nan =
        assertThrows(
            ReplayException.InvalidRequest.class,
            () -> replay.updatePriorities(new long[] {batch.ids()[0]}, new float[] {Float.NaN}));
    assertTrue(nan.getMessage().contains("finite and >= 0"), nan.getMessage());
    assertThrows(
        ReplayException.InvalidRequest.class,
        () -> replay.updatePriorities(new long[] {batch.ids()[0]}, new float[] {-1f}));
    var unknown =
        assertThrows(
            ReplayException.UnknownTransition.class,
            () -> replay.updatePriorities(new long[] {(7L << 40) | 3}, new float[] {1f}));
    assertTrue(unknown.getMessage().contains("not a transition"), unknown.getMessage());
    var largest =
        assertThrows(
            ReplayException.UnknownTransition.class, () -> replay.updatePriorities(new long[] {-1L}, new float[] {1f}));
    assertTrue(largest.getMessage().contains("id 18446744073709551615 "), "ids are unsigned: " + largest.getMessage());
    // Raising one transition's priority far above the rest makes it dominate prioritized draws.
    long favourite = batch.ids()[0];
    replay.updatePriorities(new long[] {favourite}, new float[] {1000f});
    SampledBatch again = replay.sample(64, SamplingMode.PRIORITIZED, 1f, 0);
    long hits = java.util.Arrays.stream(again.ids()).filter(id -> id == favourite).count();
    assertTrue(hits > 48, "favourite drawn " + hits + " of 64 times");
  }

  @Test
  void aNewReplayOverTheSameStoreRebuildsTheIndex() {
    Replay before = replay(settings(64, 3), emptyStore(layout()), 1);
    StreamBuilder a = new StreamBuilder(H * W, 8, 0);
    StreamBuilder b = new StreamBuilder(H * W, 9, 0);
    before.insert("a", a.start().step(1, 1).step(2, 1).terminate(3, 1).start().take(), () -> false);
    List<Step> lastOfB = null;
    for (int i = 0; i < 12; i++) {
      if (i == 0) {
        b.start();
      }
      lastOfB = b.step(1, i % 3 - 1).step(2, 0).step(0, 1).step(1, 0).step(2, 1).take();
      before.insert("b", lastOfB, () -> false);
    }
    long size = before.size();
    SampledBatch original = before.sample(128, SamplingMode.UNIFORM, null, 0);

    Replay after = replay(settings(64, 3), reopenedStore(layout()), 1);
    assertEquals(size, after.size());
    assertEquals(before.statistics().totalInserted(), after.statistics().totalInserted());
    assertEquals(0, after.insert("b", lastOfB, () -> false).transitionsAdded(), "resend is idempotent");
    assertEquals(60, after.insert("b", lastOfB, () -> false).ackedSequence());

    Map<Long, Integer> contentOf = new HashMap<>();
    int stateBytes = STACK * H * W;
    for (int i = 0; i < original.size(); i++) {
      contentOf.put(original.ids()[i], java.util.Arrays.hashCode(
          java.util.Arrays.copyOfRange(original.observations(), i * stateBytes, (i + 1) * stateBytes)));
    }
    SampledBatch rebuilt = after.sample(128, SamplingMode.UNIFORM, null, 0);
    for (int i = 0; i < rebuilt.size(); i++) {
      Integer hash = contentOf.get(rebuilt.ids()[i]);
      if (hash != null) {
        assertEquals(hash.intValue(), java.util.Arrays.hashCode(
            java.util.Arrays.copyOfRange(rebuilt.observations(), i * stateBytes, (i + 1) * stateBytes)),
            "the same id yields the same state after the rebuild");
      }
    }
    // The streams go on where they stopped.
    assertEquals(5, after.insert("a", a.step(1, 1).take(), () -> false).ackedSequence());
    InsertResult more = after.insert("b", b.step(1, 1).take(), () -> false);
    assertEquals(61, more.ackedSequence());
    assertEquals(1, more.transitionsAdded(), "step 61 completes the 3-step transition of step 58");
  }
}
