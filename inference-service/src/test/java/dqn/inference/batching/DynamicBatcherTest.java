package dqn.inference.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.inference.TestModels;
import dqn.inference.model.InputSignature;
import dqn.inference.model.QModel;
import dqn.inference.ort.ExecutionProvider;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicBatcherTest {

  static final QNetworkWeights WEIGHTS = TestModels.nips(6, 11);
  static final int ROW_BYTES = WEIGHTS.spec().observationSize();

  @TempDir Path dir;
  QModel ortModel;
  GatedModel gated;
  final List<int[]> runs = new CopyOnWriteArrayList<>();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeEach
  void load() throws Exception {
    OrtModelLoader loader =
        new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false));
    ortModel = loader.load("pong", TestModels.write(dir, "m.onnx", TestModels.onnx(WEIGHTS)));
    gated = new GatedModel(ortModel);
  }

  @AfterEach
  void close() {
    callers.shutdownNow();
    ortModel.close();
  }

  /** One run at a time; calls that must not wait run whenever the model is idle. */
  static BatchPolicy policy(boolean enabled, int maxBatchRows, Duration maxWait) {
    return new BatchPolicy(enabled, maxBatchRows, maxWait, 1, Duration.ZERO, Duration.ofHours(1));
  }

  DynamicBatcher batcher(BatchPolicy policy) {
    return new DynamicBatcher(
        gated, policy, (requests, rows, nanos) -> runs.add(new int[] {requests, rows}));
  }

  @Test
  void queuedCallsMergeIntoOneRunAndEachGetsItsOwnRows() throws Exception {
    DynamicBatcher batcher = batcher(policy(true, 32, Duration.ZERO));
    Future<float[]> first = submit(batcher, 1, 0);
    await(() -> gated.waiting() == 1);

    List<Future<float[]>> queued = new ArrayList<>();
    int[] rows = {1, 2, 3, 1, 2, 1, 1, 3};
    for (int i = 0; i < rows.length; i++) {
      final int index = i;
      queued.add(submit(batcher, rows[i], 100 + i));
      await(() -> batcher.queuedCalls() == index + 1);
    }
    gated.open();

    first.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < rows.length; i++) {
      byte[] frames = TestModels.frames(WEIGHTS, rows[i], 100 + i);
      float[] alone = ortModel.forward(List.of(ByteBuffer.wrap(frames)), rows[i]);
      float[] batched = queued.get(i).get(30, TimeUnit.SECONDS);
      assertClose(alone, batched, 1e-5f);
      assertClose(TestModels.reference(WEIGHTS, frames, rows[i]), batched, 1e-4f);
    }
    assertEquals(List.of("1 requests, 1 rows", "8 requests, 14 rows"), describe(runs));
  }

  @Test
  void batchesStopAtTheRowLimit() throws Exception {
    DynamicBatcher batcher = batcher(policy(true, 4, Duration.ZERO));
    Future<float[]> first = submit(batcher, 1, 0);
    await(() -> gated.waiting() == 1);
    List<Future<float[]>> queued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      final int index = i;
      queued.add(submit(batcher, 1, i));
      await(() -> batcher.queuedCalls() == index + 1);
    }
    gated.open();
    first.get(30, TimeUnit.SECONDS);
    for (Future<float[]> f : queued) {
      assertEquals(6, f.get(30, TimeUnit.SECONDS).length);
    }
    assertEquals(
        List.of("1 requests, 1 rows", "4 requests, 4 rows", "4 requests, 4 rows"), describe(runs));
  }

  @Test
  void aCallThatFindsTheModelIdleRunsAtOnceWhateverTheMaximumWait() throws Exception {
    gated.open();
    DynamicBatcher batcher = batcher(policy(true, 32, Duration.ofSeconds(20)));
    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      batcher.forward(List.of(ByteBuffer.wrap(TestModels.frames(WEIGHTS, 1, i))), 1);
    }
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
    assertEquals(5, runs.size());
  }

  @Test
  void aFailedRunFailsItsCallsAndTheNextRunWorks() throws Exception {
    DynamicBatcher batcher = batcher(policy(true, 32, Duration.ZERO));
    Future<float[]> first = submit(batcher, 1, 0);
    await(() -> gated.waiting() == 1);
    // Three bytes short of two rows: the merged run cannot be shaped.
    Future<float[]> broken =
        callers.submit(() -> batcher.forward(List.of(ByteBuffer.allocate(2 * ROW_BYTES - 3)), 2));
    await(() -> batcher.queuedCalls() == 1);
    Future<float[]> neighbour = submit(batcher, 1, 5);
    await(() -> batcher.queuedCalls() == 2);
    gated.open();

    first.get(30, TimeUnit.SECONDS);
    assertThrows(ExecutionException.class, () -> broken.get(30, TimeUnit.SECONDS));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> neighbour.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("batched run"), e.getCause().getMessage());
    assertEquals(
        6, batcher.forward(List.of(ByteBuffer.wrap(TestModels.frames(WEIGHTS, 1, 9))), 1).length);
  }

  @Test
  void aCallThatMustNotWaitRunsOnlyWhileTheModelIsIdle() throws Exception {
    DynamicBatcher batcher = batcher(policy(true, 32, Duration.ZERO));
    Future<float[]> running = submit(batcher, 1, 0);
    await(() -> gated.waiting() == 1);
    byte[] frame = TestModels.frames(WEIGHTS, 1, 3);
    assertEquals(null, batcher.forwardWithoutWaiting(List.of(ByteBuffer.wrap(frame)), 1));
    gated.open();
    running.get(30, TimeUnit.SECONDS);

    float[] now = batcher.forwardWithoutWaiting(List.of(ByteBuffer.wrap(frame)), 1);
    assertClose(TestModels.reference(WEIGHTS, frame, 1), now, 1e-4f);
    assertEquals(List.of("1 requests, 1 rows", "1 requests, 1 rows"), describe(runs));

    DynamicBatcher unbatched = batcher(policy(false, 32, Duration.ZERO));
    assertEquals(null, unbatched.forwardWithoutWaiting(List.of(ByteBuffer.wrap(frame)), 1));
  }

  @Test
  void aCallThatMustNotWaitRunsOnlyAfterTheQuietTimeAndOnlyForQuickModels() throws Exception {
    gated.open();
    byte[] frame = TestModels.frames(WEIGHTS, 1, 4);
    List<ByteBuffer> input = List.of(ByteBuffer.wrap(frame));
    DynamicBatcher patient =
        batcher(
            new BatchPolicy(true, 32, Duration.ZERO, 1, Duration.ofHours(1), Duration.ofHours(1)));
    assertClose(
        TestModels.reference(WEIGHTS, frame, 1), patient.forwardWithoutWaiting(input, 1), 1e-4f);
    assertEquals(null, patient.forwardWithoutWaiting(input, 1), "right after a run: a burst");
    assertEquals(6, patient.forward(input, 1).length, "the queue path still runs it");
    assertEquals(null, patient.forwardWithoutWaiting(input, 1));

    DynamicBatcher slowModel =
        batcher(new BatchPolicy(true, 32, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO));
    assertEquals(6, slowModel.forwardWithoutWaiting(input, 1).length, "no run measured yet");
    assertEquals(null, slowModel.forwardWithoutWaiting(input, 1), "the last run took too long");
    assertEquals(6, slowModel.forward(input, 1).length);

    DynamicBatcher eager = batcher(policy(true, 32, Duration.ZERO));
    eager.forward(input, 1);
    assertClose(
        TestModels.reference(WEIGHTS, frame, 1), eager.forwardWithoutWaiting(input, 1), 1e-4f);
  }

  @Test
  void withBatchingOffEveryCallRunsOnItsOwn() throws Exception {
    gated.open();
    DynamicBatcher batcher = batcher(policy(false, 32, Duration.ZERO));
    List<Future<float[]>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(submit(batcher, 2, i));
    }
    for (int i = 0; i < 8; i++) {
      byte[] frames = TestModels.frames(WEIGHTS, 2, i);
      assertClose(
          TestModels.reference(WEIGHTS, frames, 2), calls.get(i).get(30, TimeUnit.SECONDS), 1e-4f);
    }
    assertEquals(8, runs.size());
    assertTrue(runs.stream().allMatch(r -> r[0] == 1 && r[1] == 2));
  }

  private Future<float[]> submit(DynamicBatcher batcher, int rows, long seed) {
    byte[] frames = TestModels.frames(WEIGHTS, rows, seed);
    return callers.submit(() -> batcher.forward(List.of(ByteBuffer.wrap(frames)), rows));
  }

  private static List<String> describe(List<int[]> runs) {
    return runs.stream().map(r -> r[0] + " requests, " + r[1] + " rows").toList();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 30 s");
      }
      Thread.sleep(1);
    }
  }

  static void assertClose(float[] expected, float[] actual, float tolerance) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, "element " + i);
    }
  }

  /**
   * The real model behind a gate: runs wait until the test opens it, so the test decides which
   * calls are queued when a run starts.
   */
  static final class GatedModel implements QModel {
    private final QModel model;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    GatedModel(QModel model) {
      this.model = model;
    }

    void open() {
      gate.countDown();
    }

    int waiting() {
      return waiting.get();
    }

    @Override
    public InputSignature signature() {
      return model.signature();
    }

    @Override
    public Map<String, String> fileMetadata() {
      return model.fileMetadata();
    }

    @Override
    public float[] forward(List<ByteBuffer> slices, int rows) {
      waiting.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        waiting.decrementAndGet();
      }
      return model.forward(slices, rows);
    }

    @Override
    public void close() {
      model.close();
    }
  }
}
