package dqn.learner.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.client.replay.SampledBatch;
import dqn.client.replay.SamplingMode;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.checkpoint.TrainingState;
import dqn.learner.config.LearnerConfig;
import dqn.learner.djl.DjlRuntime;
import dqn.learner.djl.DjlTrainer;
import dqn.learner.ort.OrtRunner;
import dqn.learner.replay.PrefetchingSampler;
import dqn.learner.snapshot.SnapshotDirectory;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.learner.testing.TinyMdp;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The learner's own gate, as a table: the target network is synced after exactly every
 * target-sync-period-th update, counted from the run's start, so a resumed learner keeps the
 * cadence. (The other two gates, learning starts and one batch per update period, are the
 * replay's rate limiter: {@code RateLimiterTest} has their table.)
 */
class LearnerGatesTest {

  private static final QNetworkSpec SPEC =
      QNetworkSpec.mlp(TinyMdp.OBSERVATION_SIZE, List.of(8), TinyMdp.ACTIONS).withInput(InputType.UINT8, 255f);
  private static final ReplayAgreement AGREEMENT =
      new ReplayAgreement(1, 0.9f, TinyMdp.STATES * TinyMdp.ACTIONS, 32, 4, SPEC.observationShape(), true);
  private static final int UPDATES = 120;

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    DjlRuntime.start(LearnerConfig.DeviceChoice.CPU, 1, 1);
  }

  /** The training engine, recording the update step after which each target sync came. */
  private static final class Recording implements TrainingEngine {
    final DjlTrainer inner;
    final long startStep;
    final List<Long> syncedAfter = new ArrayList<>();
    long updates;

    Recording(DjlTrainer inner, long startStep) {
      this.inner = inner;
      this.startStep = startStep;
    }

    @Override
    public QNetworkSpec spec() {
      return inner.spec();
    }

    @Override
    public UpdateResult update(SampledBatch batch, boolean wantTdErrors) {
      updates++;
      return inner.update(batch, wantTdErrors);
    }

    @Override
    public void syncTarget() {
      syncedAfter.add(startStep + updates);
      inner.syncTarget();
    }

    @Override
    public QNetworkWeights onlineWeights() {
      return inner.onlineWeights();
    }

    @Override
    public float[][] qValues(byte[] observations, int batch) {
      return inner.qValues(observations, batch);
    }

    @Override
    public EngineState state() {
      return inner.state();
    }

    @Override
    public void restore(EngineState state) {
      inner.restore(state);
    }

    @Override
    public String device() {
      return inner.device();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @ParameterizedTest(name = "target sync every {0} updates, from update {1}")
  @CsvSource({"1, 0", "7, 0", "50, 0", "7, 12", "50, 30", "500, 0"})
  void theTargetSyncsAfterEveryPeriodthUpdateCountedFromTheRunsStart(long period, long resumedAt) throws Exception {
    DjlTrainer trainer =
        new DjlTrainer(
            QNetworkWeights.random(SPEC, 3),
            new DjlTrainer.Settings(false, 1.0, 10.0, new DjlTrainer.OptimizerSettings.Adam(1e-3, 0.9, 0.999, 1e-8)),
            Device.cpu());
    try (Recording engine = new Recording(trainer, resumedAt)) {
      PrefetchingSampler sampler =
          new PrefetchingSampler(
              new TinyMdp(0.9f, 5),
              new PrefetchingSampler.Settings(
                  32, SamplingMode.UNIFORM, 1, 1, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(50)));
      SnapshotPublisher publisher =
          new SnapshotPublisher(
              new SnapshotPublisher.Settings("tiny", "tiny-mdp", List.of("ADVANCE", "QUIT"), 1e-4, true),
              new SnapshotDirectory(dir.resolve("snapshots"), 1),
              new OrtRunner(),
              null);
      TrainingState resumed = resumedAt == 0 ? null : new TrainingState(resumedAt, 0, 1, trainer.state());
      Learner learner =
          new Learner(
              engine,
              sampler,
              publisher,
              new CheckpointStore(dir.resolve("checkpoints"), 1),
              new Learner.Settings(SamplingMode.UNIFORM, period, 0, 0, 4, AGREEMENT, 4),
              1,
              resumed);
      try {
        learner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (learner.status().updateStep() < resumedAt + UPDATES) {
          assertTrue(System.nanoTime() < deadline, "timed out at update " + learner.status().updateStep());
          Thread.sleep(5);
        }
        learner.pause();
      } finally {
        learner.close();
      }
      long last = resumedAt + engine.updates;
      List<Long> expected = new ArrayList<>();
      for (long step = resumedAt + 1; step <= last; step++) {
        if (step % period == 0) {
          expected.add(step);
        }
      }
      assertEquals(expected, engine.syncedAfter, "updates " + (resumedAt + 1) + ".." + last);
    }
  }
}
