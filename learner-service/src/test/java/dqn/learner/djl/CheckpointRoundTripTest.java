package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.client.replay.SampledBatch;
import dqn.learner.checkpoint.CheckpointException;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.checkpoint.TrainingState;
import dqn.learner.dqn.EngineState;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner resumed from a checkpoint file makes exactly (bit for bit) the update an uninterrupted
 * learner makes; damaged or mismatched checkpoints are refused with a message.
 */
class CheckpointRoundTripTest {

  private static final QNetworkSpec NIPS = QNetworkSpec.nips2013(4);

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    DjlRuntime.start(dqn.learner.config.LearnerConfig.DeviceChoice.CPU, 1, 1);
  }

  private static DjlTrainer.Settings settings(DjlTrainer.OptimizerSettings optimizer) {
    return new DjlTrainer.Settings(true, 1.0, 10.0, optimizer);
  }

  private static SampledBatch randomBatch(QNetworkSpec spec, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int obs = spec.observationSize();
    byte[] states = new byte[size * obs];
    byte[] next = new byte[size * obs];
    for (int i = 0; i < states.length; i++) {
      states[i] = (byte) random.nextInt(256);
      next[i] = (byte) random.nextInt(256);
    }
    int[] actions = new int[size];
    float[] returns = new float[size];
    float[] discounts = new float[size];
    float[] weights = new float[size];
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      actions[i] = random.nextInt(spec.numActions());
      returns[i] = (float) random.nextGaussian();
      discounts[i] = random.nextInt(10) == 0 ? 0f : 0.99f;
      weights[i] = (float) random.nextDouble(0.2, 1.0);
      ids[i] = i;
    }
    long[] shape = java.util.Arrays.stream(spec.observationShape()).mapToLong(d -> d).toArray();
    return new SampledBatch(
        ids,
        ByteBuffer.allocateDirect(states.length).put(states).flip(),
        ByteBuffer.allocateDirect(next.length).put(next).flip(),
        shape,
        actions,
        returns,
        discounts,
        weights);
  }

  private void resumedUpdateIsBitIdentical(QNetworkSpec spec, DjlTrainer.OptimizerSettings optimizer, int steps)
      throws Exception {
    CheckpointStore store = new CheckpointStore(dir, 2);
    try (DjlTrainer uninterrupted = new DjlTrainer(QNetworkWeights.random(spec, 1), settings(optimizer), Device.cpu())) {
      for (int i = 0; i < steps; i++) {
        uninterrupted.update(randomBatch(spec, 8, i), false);
        if (i == 1) {
          uninterrupted.syncTarget();
        }
      }
      store.write(new TrainingState(steps, 4 * 1000L, 99L, uninterrupted.state()));

      // Another process would start from other random weights, then load the checkpoint.
      try (DjlTrainer resumed = new DjlTrainer(QNetworkWeights.random(spec, 2), settings(optimizer), Device.cpu())) {
        TrainingState loaded = store.loadNewest().orElseThrow();
        assertEquals(steps, loaded.updateStep());
        assertEquals(99L, loaded.rngState());
        resumed.restore(loaded.engine());

        SampledBatch next = randomBatch(spec, 8, 1000);
        var a = uninterrupted.update(next, true);
        var b = resumed.update(next, true);
        assertEquals(Float.floatToIntBits(a.loss()), Float.floatToIntBits(b.loss()));
        assertArrayEquals(a.absTdErrors(), b.absTdErrors());
        EngineState sa = uninterrupted.state();
        EngineState sb = resumed.state();
        assertEquals(sa.optimizerSteps(), sb.optimizerSteps());
        assertEquals(sa.tensors().keySet(), sb.tensors().keySet());
        for (Map.Entry<String, float[]> e : sa.tensors().entrySet()) {
          assertArrayEquals(e.getValue(), sb.tensors().get(e.getKey()), () -> e.getKey() + " differs");
        }
      }
    }
  }

  @Test
  void nipsWithAdamResumesBitIdentically() throws Exception {
    resumedUpdateIsBitIdentical(NIPS, new DjlTrainer.OptimizerSettings.Adam(1e-3, 0.9, 0.999, 1.5e-4), 3);
  }

  @Test
  void duelingMlpWithCenteredRmsPropResumesBitIdentically() throws Exception {
    QNetworkSpec mlp =
        QNetworkSpec.mlp(16, java.util.List.of(32, 32), 3)
            .withInput(dqn.qnetwork.InputType.UINT8, 255f)
            .withDueling(true);
    resumedUpdateIsBitIdentical(mlp, new DjlTrainer.OptimizerSettings.CenteredRmsProp(2.5e-4, 0.95, 0.01), 5);
  }

  private Path writeOne() throws Exception {
    QNetworkSpec mlp = QNetworkSpec.mlp(4, java.util.List.of(8), 2).withInput(dqn.qnetwork.InputType.UINT8, 255f);
    try (DjlTrainer trainer =
        new DjlTrainer(QNetworkWeights.random(mlp, 1), settings(new DjlTrainer.OptimizerSettings.Adam(1e-3, 0.9, 0.999, 1e-8)), Device.cpu())) {
      return new CheckpointStore(dir, 3).write(new TrainingState(7, 28, 1, trainer.state()));
    }
  }

  @Test
  void flippedBitIsDetected() throws Exception {
    Path file = writeOne();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, 200);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      ch.write(one, 200);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> new CheckpointStore(dir, 3).loadNewest());
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
  }

  @Test
  void truncatedFileIsDetected() throws Exception {
    Path file = writeOne();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> new CheckpointStore(dir, 3).loadNewest());
    assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void interruptedWriteLeavesNoCheckpointBehind() throws Exception {
    Path file = writeOne();
    Files.writeString(dir.resolve("checkpoint-000000000099.dqnckpt.tmp"), "half a checkpoint");
    CheckpointStore store = new CheckpointStore(dir, 3);
    assertEquals(7, store.loadNewest().orElseThrow().updateStep());
    assertEquals(java.util.List.of(file), store.list());
    assertTrue(Files.notExists(dir.resolve("checkpoint-000000000099.dqnckpt.tmp")));
  }

  @Test
  void checkpointOfAnotherNetworkIsRefused() throws Exception {
    writeOne();
    TrainingState state = new CheckpointStore(dir, 3).loadNewest().orElseThrow();
    try (DjlTrainer nips =
        new DjlTrainer(QNetworkWeights.random(NIPS, 1), settings(new DjlTrainer.OptimizerSettings.Adam(1e-3, 0.9, 0.999, 1e-8)), Device.cpu())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nips.restore(state.engine()));
      assertTrue(e.getMessage().contains("mlp") && e.getMessage().contains("nips_2013"), e.getMessage());
    }
  }

  @Test
  void onlyTheNewestCheckpointsAreKept() throws Exception {
    QNetworkSpec mlp = QNetworkSpec.mlp(4, java.util.List.of(8), 2).withInput(dqn.qnetwork.InputType.UINT8, 255f);
    CheckpointStore store = new CheckpointStore(dir, 2);
    try (DjlTrainer trainer =
        new DjlTrainer(QNetworkWeights.random(mlp, 1), settings(new DjlTrainer.OptimizerSettings.Adam(1e-3, 0.9, 0.999, 1e-8)), Device.cpu())) {
      for (long step : new long[] {10, 20, 30}) {
        store.write(new TrainingState(step, 0, 0, trainer.state()));
      }
    }
    assertEquals(2, store.list().size());
    assertEquals(30, store.loadNewest().orElseThrow().updateStep());
  }
}
