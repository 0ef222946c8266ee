package dqn.learner.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.client.replay.SamplingMode;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.config.LearnerConfig;
import dqn.learner.djl.DjlRuntime;
import dqn.learner.djl.DjlTrainer;
import dqn.learner.ort.OrtRunner;
import dqn.learner.replay.PrefetchingSampler;
import dqn.learner.snapshot.SnapshotDirectory;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.learner.snapshot.SnapshotRecord;
import dqn.learner.testing.TinyMdp;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The learner end to end on a replay whose optimal Q-values are known. */
class LearnerTest {

  private static final float GAMMA = 0.9f;
  private static final QNetworkSpec SPEC =
      QNetworkSpec.mlp(TinyMdp.OBSERVATION_SIZE, List.of(32), TinyMdp.ACTIONS).withInput(InputType.UINT8, 255f);

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    DjlRuntime.start(LearnerConfig.DeviceChoice.CPU, 1, 1);
  }

  /** What the tiny replay says of itself. */
  private static final ReplayAgreement AGREEMENT =
      new ReplayAgreement(1, GAMMA, TinyMdp.STATES * TinyMdp.ACTIONS, 32, 4, SPEC.observationShape(), true);

  private static Learner.Settings settings(long snapshotPeriod, long checkpointPeriod) {
    return settings(snapshotPeriod, checkpointPeriod, AGREEMENT);
  }

  private static Learner.Settings settings(long snapshotPeriod, long checkpointPeriod, ReplayAgreement replay) {
    return new Learner.Settings(SamplingMode.UNIFORM, 50, snapshotPeriod, checkpointPeriod, 4, replay, 4);
  }

  private Learner learner(TinyMdp replay, DjlTrainer trainer, Learner.Settings settings) {
    return learner(replay, trainer, settings, 2);
  }

  /** {@code prefetch} 1 keeps batches in the order the replay made them. */
  private Learner learner(TinyMdp replay, DjlTrainer trainer, Learner.Settings settings, int prefetch) {
    PrefetchingSampler sampler =
        new PrefetchingSampler(
            replay,
            new PrefetchingSampler.Settings(
                32, SamplingMode.UNIFORM, prefetch, 1, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(50)));
    SnapshotPublisher publisher =
        new SnapshotPublisher(
            new SnapshotPublisher.Settings("tiny", "tiny-mdp", List.of("ADVANCE", "QUIT"), 1e-4, true),
            new SnapshotDirectory(dir.resolve("snapshots"), 5),
            new OrtRunner(),
            null);
    return new Learner(
        trainer,
        sampler,
        publisher,
        new CheckpointStore(dir.resolve("checkpoints"), 2),
        settings,
        1,
        null);
  }

  private static DjlTrainer trainer() {
    return trainer(DjlTrainer.Precision.FLOAT32);
  }

  private static DjlTrainer trainer(DjlTrainer.Precision precision) {
    return new DjlTrainer(
        QNetworkWeights.random(SPEC, 3),
        new DjlTrainer.Settings(
            false, 1.0, 10.0, new DjlTrainer.OptimizerSettings.Adam(3e-3, 0.9, 0.999, 1e-8), precision),
        Device.cpu());
  }

  private static void await(Learner learner, BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      LearnerStatus status = learner.status();
      if (status.state() == LearnerState.FAILED && !what.equals("FAILED")) {
        throw new AssertionError("learner failed while waiting for " + what + ": " + status.reason());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** In both precisions: mixed precision must learn the same values (the hidden layer in bfloat16). */
  @ParameterizedTest
  @EnumSource(DjlTrainer.Precision.class)
  void learnsTheOptimalQValuesOfAKnownMdp(DjlTrainer.Precision precision) throws Exception {
    TinyMdp replay = new TinyMdp(GAMMA, 11);
    try (DjlTrainer trainer = trainer(precision)) {
      Learner learner = learner(replay, trainer, settings(0, 0));
      try {
        assertEquals(LearnerState.IDLE, learner.status().state());
        learner.start();
        await(learner, () -> learner.status().updateStep() >= 1500, Duration.ofSeconds(60), "1500 updates");
        learner.pause();
        assertEquals(LearnerState.PAUSED, learner.status().state());
      } finally {
        learner.close();
      }
      byte[] states = new byte[TinyMdp.STATES * TinyMdp.OBSERVATION_SIZE];
      for (int s = 0; s < TinyMdp.STATES; s++) {
        System.arraycopy(TinyMdp.observation(s), 0, states, s * TinyMdp.OBSERVATION_SIZE, TinyMdp.OBSERVATION_SIZE);
      }
      float[][] q = trainer.qValues(states, TinyMdp.STATES);
      for (int s = 0; s < TinyMdp.STATES; s++) {
        for (int a = 0; a < TinyMdp.ACTIONS; a++) {
          assertEquals(replay.optimalQ(s, a), q[s][a], 0.03, "Q(s" + s + ", a" + a + ")");
        }
      }
    }
  }

  @Test
  void nonFiniteLossStopsUpdatesAndKeepsTheLastGoodSnapshot() throws Exception {
    TinyMdp replay = new TinyMdp(GAMMA, 12);
    replay.poisonAfter(30);
    try (DjlTrainer trainer = trainer()) {
      Learner learner = learner(replay, trainer, settings(10, 0), 1);
      try {
        learner.start();
        await(learner, () -> learner.status().state() == LearnerState.FAILED, Duration.ofSeconds(30), "FAILED");
        LearnerStatus status = learner.status();
        assertEquals(30, status.updateStep(), "updates stop at the first poisoned batch");
        assertTrue(status.reason().contains("non-finite loss at update 31"), status.reason());
        // The update-30 snapshot was captured before the failure and is published in the background.
        await(
            learner,
            () -> learner.status().lastSnapshot() != null && learner.status().lastSnapshot().updateStep() == 30,
            Duration.ofSeconds(30),
            "FAILED");
        SnapshotRecord last = learner.status().lastSnapshot();
        assertNotNull(last);
        assertEquals(30, last.updateStep());
        // The weights are the last good ones: identical to the update-30 snapshot's.
        var weights = trainer.onlineWeights();
        float[][] q = trainer.qValues(TinyMdp.observation(0), 1);
        assertTrue(Float.isFinite(q[0][0]) && Float.isFinite(q[0][1]));
        assertEquals(
            dqn.qnetwork.onnx.OnnxMetadata.read(Path.of(last.path())).get(dqn.qnetwork.onnx.OnnxMetadata.WEIGHTS_SHA256),
            weights.sha256());
        IllegalStateException refused = assertThrows(IllegalStateException.class, learner::snapshotNow);
        assertTrue(refused.getMessage().contains("last good snapshot"), refused.getMessage());
        assertThrows(IllegalStateException.class, learner::start);
      } finally {
        learner.close();
      }
      assertEquals(List.of(), new CheckpointStore(dir.resolve("checkpoints"), 2).list(), "no checkpoint of a failed learner");
    }
  }

  @Test
  void aReplayThatDisagreesStopsTheLearnerBeforeItsFirstUpdate() throws Exception {
    TinyMdp replay = new TinyMdp(GAMMA, 14);
    ReplayAgreement threeStep = new ReplayAgreement(3, GAMMA, TinyMdp.STATES * TinyMdp.ACTIONS, 32, 4, SPEC.observationShape(), true);
    try (DjlTrainer trainer = trainer()) {
      Learner learner = learner(replay, trainer, settings(0, 0, threeStep));
      try {
        learner.start();
        await(learner, () -> learner.status().state() == LearnerState.FAILED, Duration.ofSeconds(30), "FAILED");
        LearnerStatus status = learner.status();
        assertEquals(0, status.updateStep());
        assertTrue(
            status.reason().contains("dqn.replay.n-step") && status.reason().contains("dqn.learner.algorithm.n-step"),
            status.reason());
      } finally {
        learner.close();
      }
    }
  }

  @Test
  void periodicCheckpointsAndTheShutdownCheckpointCarryTheCounters() throws Exception {
    TinyMdp replay = new TinyMdp(GAMMA, 13);
    try (DjlTrainer trainer = trainer()) {
      Learner learner = learner(replay, trainer, settings(0, 20));
      try {
        learner.start();
        await(learner, () -> learner.status().updateStep() >= 45, Duration.ofSeconds(30), "45 updates");
      } finally {
        learner.close();
      }
      long finalStep = learner.status().updateStep();
      CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), 2);
      var newest = store.loadNewest().orElseThrow();
      assertEquals(finalStep, newest.updateStep(), "the shutdown checkpoint holds the last update");
      assertEquals(4_000_000L, newest.envFrames(), "1,000,000 inserted transitions at 4 frames each");
      assertEquals(2, store.list().size());
    }
  }
}
