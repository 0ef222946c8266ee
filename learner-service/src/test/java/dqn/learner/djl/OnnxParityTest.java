package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.learner.ort.OrtRunner;
import dqn.learner.snapshot.ProbeBatch;
import dqn.learner.snapshot.SnapshotDirectory;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.learner.snapshot.SnapshotRecord;
import dqn.learner.snapshot.SnapshotRejectedException;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import dqn.qnetwork.onnx.OnnxMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trained network and its ONNX export compute the same function: DJL's forward against ONNX
 * Runtime running the file the q-network writer produced (and against the plain-Java reference),
 * for the NIPS and Nature networks and a dueling head.
 */
class OnnxParityTest {

  private static final DjlTrainer.Settings SETTINGS =
      new DjlTrainer.Settings(false, 1.0, 10.0, new DjlTrainer.OptimizerSettings.Adam(1e-4, 0.9, 0.999, 1.5e-4));

  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    DjlRuntime.start(dqn.learner.config.LearnerConfig.DeviceChoice.CPU, 1, 1);
  }

  private SnapshotPublisher publisher(String model) {
    return new SnapshotPublisher(
        new SnapshotPublisher.Settings(model, "ALE/Pong-v5", List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"), 1e-4, true),
        new SnapshotDirectory(dir, 5),
        new OrtRunner(),
        null); // kept in the directory, not uploaded
  }

  private SnapshotRecord exportAndCheck(QNetworkSpec spec) throws Exception {
    try (DjlTrainer trainer = new DjlTrainer(QNetworkWeights.random(spec, 7), SETTINGS, Device.cpu())) {
      ProbeBatch probe = ProbeBatch.of(spec, 4);
      float[][] djl = trainer.qValues(probe.observations(), probe.size());
      float[][] reference = ReferenceForward.qValues(trainer.onlineWeights(), probe.observations(), probe.size());
      assertEquals(0f, maxAbsDiff(djl, reference), 1e-4f, "DJL vs plain-Java reference");
      SnapshotRecord record = publisher(spec.architecture().id()).publish(trainer.onlineWeights(), probe, djl, 123, 4567);
      assertTrue(record.maxAbsDiff() <= 1e-4f, () -> "ONNX Runtime vs DJL: " + record.maxAbsDiff());
      assertFalse(record.published());
      Map<String, String> metadata = OnnxMetadata.read(Path.of(record.path()));
      assertEquals("123", metadata.get(OnnxMetadata.UPDATE_STEP));
      assertEquals("4567", metadata.get(OnnxMetadata.ENV_FRAMES));
      assertEquals("ALE/Pong-v5", metadata.get(OnnxMetadata.GAME));
      assertEquals(spec, OnnxMetadata.spec(metadata));
      assertEquals(OnnxMetadata.sha256Hex(Path.of(record.path())), record.sha256());
      return record;
    }
  }

  private static float maxAbsDiff(float[][] a, float[][] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }

  @Test
  void nipsNetworkMatchesOnnxRuntime() throws Exception {
    exportAndCheck(QNetworkSpec.nips2013(6));
  }

  @Test
  void natureNetworkMatchesOnnxRuntime() throws Exception {
    exportAndCheck(QNetworkSpec.nature2015(6));
  }

  @Test
  void duelingHeadMatchesOnnxRuntime() throws Exception {
    exportAndCheck(QNetworkSpec.nips2013(6).withDueling(true));
  }

  @Test
  void snapshotThatDisagreesWithTheEngineIsRejectedAndNotKept() throws Exception {
    QNetworkSpec spec = QNetworkSpec.nips2013(6);
    try (DjlTrainer trainer = new DjlTrainer(QNetworkWeights.random(spec, 7), SETTINGS, Device.cpu())) {
      ProbeBatch probe = ProbeBatch.of(spec, 2);
      float[][] djl = trainer.qValues(probe.observations(), probe.size());
      djl[1][3] += 0.01f; // what a broken export (or a wrong layout) would look like
      SnapshotPublisher publisher = publisher("nips");
      SnapshotRejectedException e =
          assertThrows(
              SnapshotRejectedException.class,
              () -> publisher.publish(trainer.onlineWeights(), probe, djl, 5, 0));
      assertTrue(e.getMessage().contains("differ by"), e.getMessage());
      try (var files = Files.list(dir)) {
        assertEquals(0, files.count());
      }
    }
  }
}
