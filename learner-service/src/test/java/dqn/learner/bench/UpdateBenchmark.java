package dqn.learner.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dqn.client.replay.SampledBatch;
import dqn.learner.config.LearnerConfig;
import dqn.learner.djl.DjlRuntime;
import dqn.learner.djl.DjlTrainer;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times one full DQN update at batch 32 (target forward without gradients, online forward, Huber
 * loss, backward, Adam step; the gradient-norm clip with --max-grad-norm 10, off by default like
 * the Python reference) for the NIPS and Nature networks at 1 and 2
 * libtorch threads, on a batch already in memory, like {@code bench/dqn_update_bench.py} does for
 * PyTorch in Python. Prints median, p10 and p90 wall milliseconds, the calling thread's median CPU
 * milliseconds (with one libtorch thread, all the work; far less disturbed by a busy machine than
 * wall time) and updates per second.
 *
 * <pre>
 * mvn -B -o -q -pl learner-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dqn.learner.bench.UpdateBenchmark -Dexec.args="--threads 1,2 --iters 50"
 * </pre>
 */
public final class UpdateBenchmark {

  public static void main(String[] args) {
    List<Integer> threads = List.of(1, 2);
    List<String> nets = List.of("nips", "nature");
    int warmup = 10;
    int iters = 50;
    int batch = 32;
    double maxGradNorm = 0; // the Python reference does not clip; --max-grad-norm 10 is our default
    DjlTrainer.Precision precision = DjlTrainer.Precision.FLOAT32;
    // The Python reference's update by default; --dueling --double-dqn make the Atari default's.
    boolean dueling = false;
    boolean doubleDqn = false;

    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" -> threads = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--nets" -> nets = List.of(args[i + 1].split(","));
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--iters" -> iters = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--max-grad-norm" -> maxGradNorm = Double.parseDouble(args[i + 1]);
        case "--dueling" -> dueling = Boolean.parseBoolean(args[i + 1]);
        case "--double-dqn" -> doubleDqn = Boolean.parseBoolean(args[i + 1]);
        case "--precision" -> precision = DjlTrainer.Precision.valueOf(args[i + 1].toUpperCase(java.util.Locale.ROOT));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    DjlRuntime.start(LearnerConfig.DeviceChoice.CPU, threads.get(0), 1);
    System.out.printf(
        "# DJL PyTorch engine, libtorch %s, precision %s, dueling %s, double DQN %s, max-grad-norm %s, cpus %d,"
            + " loadavg %.2f%n",
        ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
        precision.name().toLowerCase(java.util.Locale.ROOT),
        dueling,
        doubleDqn,
        maxGradNorm,
        Runtime.getRuntime().availableProcessors(),
        load());
    System.out.printf(
        "%-7s %9s %5s %3s %9s %8s %8s %8s %10s %7s%n",
        "net", "params", "batch", "thr", "median_ms", "p10_ms", "p90_ms", "cpu_ms", "updates/s", "load");
    for (int t : threads) {
      JniUtils.setNumThreads(t);
      for (String net : nets) {
        QNetworkSpec spec =
            ("nature".equals(net) ? QNetworkSpec.nature2015(6) : QNetworkSpec.nips2013(6)).withDueling(dueling);
        List<Double> cpuMs = new ArrayList<>();
        List<Double> ms = time(spec, batch, maxGradNorm, doubleDqn, precision, warmup, iters, cpuMs);
        Collections.sort(ms);
        Collections.sort(cpuMs);
        double median = ms.get(ms.size() / 2);
        System.out.printf(
            "%-7s %9d %5d %3d %9.2f %8.2f %8.2f %8.2f %10.1f %7.2f%n",
            net,
            spec.parameterCount(),
            batch,
            t,
            median,
            ms.get((int) Math.round(0.1 * (ms.size() - 1))),
            ms.get((int) Math.round(0.9 * (ms.size() - 1))),
            cpuMs.get(cpuMs.size() / 2),
            1000.0 / median,
            load());
      }
    }
  }

  /** Wall milliseconds per update; the calling thread's CPU milliseconds go into {@code cpuMs}. */
  private static List<Double> time(
      QNetworkSpec spec,
      int batch,
      double maxGradNorm,
      boolean doubleDqn,
      DjlTrainer.Precision precision,
      int warmup,
      int iters,
      List<Double> cpuMs) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    DjlTrainer.Settings settings =
        new DjlTrainer.Settings(
            doubleDqn, 1.0, maxGradNorm, new DjlTrainer.OptimizerSettings.Adam(1e-4, 0.9, 0.999, 1.5e-4), precision);
    try (DjlTrainer trainer = new DjlTrainer(QNetworkWeights.random(spec, 0), settings, Device.cpu())) {
      SampledBatch data = randomBatch(spec, batch);
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < warmup + iters; i++) {
        long cpuStart = cpu.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        trainer.update(data, false);
        if (i >= warmup) {
          ms.add((System.nanoTime() - start) / 1e6);
          cpuMs.add((cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6);
        }
      }
      return ms;
    }
  }

  private static SampledBatch randomBatch(QNetworkSpec spec, int size) {
    SplittableRandom random = new SplittableRandom(0);
    int bytes = size * spec.observationSize();
    ByteBuffer obs = ByteBuffer.allocateDirect(bytes);
    ByteBuffer next = ByteBuffer.allocateDirect(bytes);
    for (int i = 0; i < bytes; i++) {
      obs.put((byte) random.nextInt(256));
      next.put((byte) random.nextInt(256));
    }
    int[] actions = new int[size];
    float[] returns = new float[size];
    float[] discounts = new float[size];
    float[] weights = new float[size];
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      actions[i] = random.nextInt(spec.numActions());
      returns[i] = (float) random.nextGaussian();
      discounts[i] = random.nextDouble() < 0.01 ? 0f : 0.99f;
      weights[i] = 1f;
      ids[i] = i;
    }
    long[] shape = Arrays.stream(spec.observationShape()).mapToLong(d -> d).toArray();
    return new SampledBatch(ids, obs.flip(), next.flip(), shape, actions, returns, discounts, weights);
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
