package dqn.qnetwork.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints what the shared network code costs: ONNX export time and size, ONNX Runtime session
 * creation and latency of the exported model (1 intra-op thread, no spinning: the floor the
 * inference-service is compared against), and the reference forward pass.
 *
 * <pre>mvn -B -o -q -pl q-network test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dqn.qnetwork.bench.QNetworkBench</pre>
 */
public final class QNetworkBench {

  private static final int WRITE_REPEATS = 20;

  public static void main(String[] args) throws Exception {
    System.out.printf("load average at start: %s%n", loadAverage());
    System.out.printf("%-20s %9s %9s %9s %10s %10s %10s %10s %11s%n", "network", "params", "size MB",
        "write ms", "session ms", "ORT b1 p50", "ORT b1 p99", "ORT b32 p50", "ref ms/obs");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (QNetworkSpec spec : List.of(QNetworkSpec.nips2013(6), QNetworkSpec.nips2013(6).withDueling(true),
        QNetworkSpec.nature2015(6), QNetworkSpec.nature2015(6).withDueling(true))) {
      QNetworkWeights weights = QNetworkWeights.random(spec, 1);
      byte[] onnx = OnnxQNetworkWriter.write(weights, Map.of());
      double[] writeMs = new double[WRITE_REPEATS];
      for (int i = 0; i < WRITE_REPEATS; i++) {
        long t0 = System.nanoTime();
        onnx = OnnxQNetworkWriter.write(weights, Map.of());
        writeMs[i] = (System.nanoTime() - t0) / 1e6;
      }

      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        long t0 = System.nanoTime();
        try (OrtSession session = env.createSession(onnx, options)) {
          double sessionMs = (System.nanoTime() - t0) / 1e6;
          double[] b1 = latenciesMs(env, session, spec, 1, 2000);
          double[] b32 = latenciesMs(env, session, spec, 32, 100);

          byte[] probe = probe(spec, 4);
          ReferenceForward.qValues(weights, probe, 4);
          long r0 = System.nanoTime();
          ReferenceForward.qValues(weights, probe, 4);
          double refMsPerObs = (System.nanoTime() - r0) / 1e6 / 4;

          System.out.printf("%-20s %9d %9.2f %9.2f %10.1f %10.3f %10.3f %10.3f %11.1f%n", label(spec),
              spec.parameterCount(), onnx.length / 1e6, percentile(writeMs, 50), sessionMs,
              percentile(b1, 50), percentile(b1, 99), percentile(b32, 50), refMsPerObs);
        }
      }
    }
    System.out.printf("load average at end: %s%n", loadAverage());
  }

  /** Latency of session.run on a fixed uint8 batch, after a warm-up of a tenth of the runs. */
  private static double[] latenciesMs(OrtEnvironment env, OrtSession session, QNetworkSpec spec, int batch, int runs)
      throws Exception {
    byte[] obs = probe(spec, batch);
    ByteBuffer buf = ByteBuffer.allocateDirect(obs.length).put(obs).flip();
    long[] shape = new long[] {batch, spec.observationShape()[0], spec.observationShape()[1],
        spec.observationShape()[2]};
    double[] ms = new double[runs];
    try (OnnxTensor input = OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.UINT8)) {
      for (int i = -runs / 10; i < runs; i++) {
        long t0 = System.nanoTime();
        try (OrtSession.Result ignored = session.run(Map.of(OnnxQNetworkWriter.INPUT_NAME, input))) {
          if (i >= 0) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
    }
    return ms;
  }

  private static String label(QNetworkSpec spec) {
    return spec.architecture().id() + (spec.dueling() ? " dueling" : "");
  }

  private static byte[] probe(QNetworkSpec spec, int batch) {
    SplittableRandom rng = new SplittableRandom(batch);
    byte[] obs = new byte[batch * spec.observationSize()];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (byte) rng.nextInt(256);
    }
    return obs;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static String loadAverage() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
