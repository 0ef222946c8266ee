package dqn.learner.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.client.replay.SamplingMode;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.config.LearnerConfig;
import dqn.learner.djl.DjlRuntime;
import dqn.learner.djl.DjlTrainer;
import dqn.learner.dqn.Learner;
import dqn.learner.dqn.LearnerStatus;
import dqn.learner.dqn.ReplayAgreement;
import dqn.learner.ort.OrtRunner;
import dqn.learner.replay.PrefetchingSampler;
import dqn.learner.snapshot.ModelUploader;
import dqn.learner.snapshot.ProbeBatch;
import dqn.learner.snapshot.SnapshotDirectory;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.learner.snapshot.SnapshotRejectedException;
import dqn.learner.testing.TinyMdp;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.testkit.PrometheusText;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner's Prometheus names and values over a real learner training on a tiny MDP. */
class LearnerMetricsTest {

  private static final QNetworkSpec SPEC =
      QNetworkSpec.mlp(TinyMdp.OBSERVATION_SIZE, List.of(8), TinyMdp.ACTIONS).withInput(InputType.UINT8, 255f);

  @TempDir Path dir;

  /** An inference-service that takes every upload as version 3. */
  private static final ModelUploader ACCEPTS =
      new ModelUploader() {
        @Override
        public long upload(String model, byte[] onnx, String sha256, Map<String, String> properties, boolean makeLive) {
          return 3;
        }

        @Override
        public void close() {}
      };

  @Test
  void updatesLossStateAndSnapshotResultsAreExported() throws Exception {
    DjlRuntime.start(LearnerConfig.DeviceChoice.CPU, 1, 1);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (DjlTrainer trainer =
        new DjlTrainer(
            QNetworkWeights.random(SPEC, 3),
            new DjlTrainer.Settings(false, 1.0, 10.0, new DjlTrainer.OptimizerSettings.Adam(3e-3, 0.9, 0.999, 1e-8)),
            Device.cpu())) {
      SnapshotPublisher publisher =
          new SnapshotPublisher(
              new SnapshotPublisher.Settings("tiny", "tiny-mdp", List.of("ADVANCE", "QUIT"), 1e-4, true),
              new SnapshotDirectory(dir.resolve("snapshots"), 5),
              new OrtRunner(),
              ACCEPTS);
      Learner learner =
          new Learner(
              trainer,
              new PrefetchingSampler(
                  new TinyMdp(0.9f, 11),
                  new PrefetchingSampler.Settings(
                      32, SamplingMode.UNIFORM, 1, 1, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(50))),
              publisher,
              new CheckpointStore(dir.resolve("checkpoints"), 2),
              new Learner.Settings(
                  SamplingMode.UNIFORM, 50, 0, 0, 4,
                  new ReplayAgreement(1, 0.9, TinyMdp.STATES * TinyMdp.ACTIONS, 32, 4, SPEC.observationShape(), true),
                  4),
              1,
              null);
      new LearnerMetrics(learner).bindTo(registry);
      assertEquals(1, PrometheusText.parse(registry.scrape()).value("dqn_learner_state{state=\"idle\"}"));
      LearnerStatus status;
      try {
        learner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (learner.status().updateStep() < 40 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        learner.snapshotNow();
        status = learner.pause();
      } finally {
        learner.close();
      }
      // A snapshot whose engine Q-values are off by 0.5 is rejected, and its difference reported.
      ProbeBatch probe = ProbeBatch.of(SPEC, 4);
      float[][] wrong = trainer.qValues(probe.observations(), probe.size());
      wrong[2][1] += 0.5f;
      assertThrows(
          SnapshotRejectedException.class,
          () -> publisher.publish(trainer.onlineWeights(), probe, wrong, status.updateStep(), 0));

      PrometheusText metrics = PrometheusText.parse(registry.scrape());
      assertTrue(status.updateStep() >= 40, "updates made: " + status.updateStep());
      assertEquals(status.updateStep(), metrics.value("dqn_learner_updates_total"));
      assertEquals(status.envFrames(), metrics.value("dqn_learner_env_frames_total"));
      assertEquals(status.loss(), metrics.value("dqn_learner_td_loss"), 1e-6);
      assertTrue(Float.isFinite(status.loss()));
      assertEquals(1, metrics.value("dqn_learner_state{state=\"paused\"}"));
      assertEquals(0, metrics.value("dqn_learner_state{state=\"training\"}"));
      assertEquals(learner.dataWaitNanos() / 1e9, metrics.value("dqn_learner_data_wait_seconds_total"), 1e-9);
      double share = metrics.value("dqn_learner_data_wait_ratio");
      assertTrue(share >= 0 && share <= 1, "data wait share " + share);
      assertTrue(metrics.value("dqn_learner_updates_per_second") > 0);
      assertEquals(1, metrics.value("dqn_learner_snapshots_total{result=\"published\"}"));
      assertEquals(1, metrics.value("dqn_learner_snapshots_total{result=\"rejected\"}"));
      assertEquals(0, metrics.value("dqn_learner_snapshots_total{result=\"unpublished\"}"));
      assertEquals(0, metrics.value("dqn_learner_snapshots_total{result=\"failed\"}"));
      assertEquals(0.5, metrics.value("dqn_learner_snapshot_max_abs_diff"), 1e-3);
    }
  }
}
