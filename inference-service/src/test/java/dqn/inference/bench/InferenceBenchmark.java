package dqn.inference.bench;

import dqn.inference.ApiClient;
import dqn.inference.TestModels;
import dqn.inference.model.QModel;
import dqn.inference.ort.ExecutionProvider;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.qnetwork.QNetworkWeights;
import dqn.launcher.ServiceProcess;
import dqn.v1.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Act latency at batch 1 over gRPC on loopback beside ONNX Runtime in-process on the same model
 * (the floor), and observations per second with 16 concurrent clients, batching on and off, for the
 * NIPS 2013 and Nature 2015 networks. The service runs as its own process from the packaged jar
 * with ONNX Runtime on one intra-op thread.
 *
 * <pre>
 * mvn -B -o -q -pl inference-service package -DskipTests
 * mvn -B -o -q -pl inference-service test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dqn.inference.bench.InferenceBenchmark [-Dbench.calls=3000 -Dbench.seconds=10]
 * </pre>
 */
public final class InferenceBenchmark {

  private static final int CALLS = Integer.getInteger("bench.calls", 3000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 2000);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 16);

  /** Load before measuring: the JIT needs it, and on a busy machine it needs long. */
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 20);

  private InferenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = serviceJar();
    System.out.printf(
        "machine: %d cores, load average at start %.2f; service jar %s%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        jar);
    List<String> rows = new ArrayList<>();
    for (String network : System.getProperty("bench.networks", "nips,nature").split(",")) {
      QNetworkWeights weights =
          network.equals("nips") ? TestModels.nips(6, 1) : TestModels.nature(6, 1);
      byte[] onnx = TestModels.onnx(weights);
      byte[] frame = TestModels.frames(weights, 1, 1);

      double[] floor = inProcessLatency(onnx, frame);
      double[] ortThroughput = inProcessThroughput(onnx, TestModels.frames(weights, 16, 2));
      Tensor observation = ApiClient.uint8(frame, 1, 4, 84, 84);
      double[] grpc;
      double batchedThroughput;
      try (ServiceProcess service = start(jar, true);
          ApiClient client = new ApiClient(service.port())) {
        client.upload(network, onnx, true);
        throughput(client, network, observation, WARMUP_SECONDS);
        batchedThroughput = throughput(client, network, observation, SECONDS);
        double[] before = serviceTimes(client, network);
        grpc = grpcLatency(client, network, observation);
        double[] after = serviceTimes(client, network);
        System.out.printf(
            "%s: during the latency calls the service spent on average %.3f ms per request in"
                + " its Act domain call (checks, batcher, run), %.3f ms of it in ONNX Runtime%n",
            network,
            (after[0] - before[0]) / (after[1] - before[1]) * 1e3,
            (after[2] - before[2]) / (after[3] - before[3]) * 1e3);
        System.out.printf(
            "%s: %.1f observations per run on average (batching on, after warm-up)%n",
            network,
            client.metric("dqn_inference_batch_rows_sum", network)
                / client.metric("dqn_inference_batch_rows_count", network));
      }
      double unbatchedThroughput;
      try (ServiceProcess service = start(jar, false);
          ApiClient client = new ApiClient(service.port())) {
        client.upload(network, onnx, true);
        throughput(client, network, observation, WARMUP_SECONDS);
        unbatchedThroughput = throughput(client, network, observation, SECONDS);
      }
      rows.add(
          String.format(
              "| %-6s | %6.3f | %6.3f | %6.3f | %6.3f | %6.0f | %6.0f | %8.0f | %8.0f | %4.1fx |",
              network,
              floor[0],
              floor[1],
              grpc[0],
              grpc[1],
              ortThroughput[0],
              ortThroughput[1],
              unbatchedThroughput,
              batchedThroughput,
              batchedThroughput / unbatchedThroughput));
    }
    System.out.printf(
        "load average at end %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println(
        "| net    | ORT p50 | ORT p99 | gRPC p50 | gRPC p99 | ORT obs/s b1 | ORT obs/s b16"
            + " | gRPC obs/s off | gRPC obs/s on | on/off |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf(
        "latency in ms at batch 1 (%d calls after %d warm-up); throughput: %d clients, batch 1,"
            + " %d s each after %d s of the same load%n",
        CALLS, WARMUP, CLIENTS, SECONDS, WARMUP_SECONDS);
  }

  /** Runs {@code measure} on the model loaded in-process, on one ONNX Runtime thread. */
  private static double[] inProcess(byte[] onnx, Function<QModel, double[]> measure)
      throws Exception {
    Path file = Files.createTempFile("bench-", ".onnx");
    Files.write(file, onnx);
    OrtModelLoader loader =
        new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false));
    try (QModel model = loader.load("bench", file)) {
      return measure.apply(model);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static double[] inProcessLatency(byte[] onnx, byte[] frame) throws Exception {
    return inProcess(
        onnx,
        model -> {
          long[] nanos = new long[CALLS];
          for (int i = -WARMUP; i < CALLS; i++) {
            long start = System.nanoTime();
            model.forward(List.of(ByteBuffer.wrap(frame)), 1);
            if (i >= 0) {
              nanos[i] = System.nanoTime() - start;
            }
          }
          return percentiles(nanos);
        });
  }

  /** Observations per second of ONNX Runtime in-process at batch 1 and at batch 16, 2 s each. */
  private static double[] inProcessThroughput(byte[] onnx, byte[] frames16) throws Exception {
    return inProcess(
        onnx,
        model -> {
          int rowBytes = frames16.length / 16;
          double[] observationsPerSecond = new double[2];
          int[] batches = {1, 16};
          for (int b = 0; b < batches.length; b++) {
            ByteBuffer input = ByteBuffer.wrap(frames16, 0, batches[b] * rowBytes);
            long runs = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 2_000_000_000L) {
              model.forward(List.of(input), batches[b]);
              runs++;
            }
            observationsPerSecond[b] = runs * batches[b] / ((System.nanoTime() - start) / 1e9);
          }
          return observationsPerSecond;
        });
  }

  private static double[] grpcLatency(ApiClient client, String model, Tensor observation) {
    long[] nanos = new long[CALLS];
    for (int i = -WARMUP; i < CALLS; i++) {
      long start = System.nanoTime();
      client.act(model, observation);
      if (i >= 0) {
        nanos[i] = System.nanoTime() - start;
      }
    }
    return percentiles(nanos);
  }

  private static double throughput(ApiClient client, String model, Tensor observation, int seconds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  client.act(model, observation);
                  if (measuring.get()) {
                    answered.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long count = answered.get();
    double elapsedSeconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    for (Future<?> f : clients) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return count / elapsedSeconds;
  }

  /** The service's request and run timers: seconds and counts, in that order. */
  private static double[] serviceTimes(ApiClient client, String model) {
    return new double[] {
      client.metric("dqn_inference_request_seconds_sum", model),
      client.metric("dqn_inference_request_seconds_count", model),
      client.metric("dqn_inference_run_seconds_sum", model),
      client.metric("dqn_inference_run_seconds_count", model)
    };
  }

  private static double[] percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new double[] {
      sorted[sorted.length / 2] / 1e6,
      sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6
    };
  }

  private static ServiceProcess start(Path jar, boolean batching) throws Exception {
    ServiceProcess.Builder builder = ServiceProcess.builder(jar);
    // Service settings under test, e.g. -Ddqn.inference.batching.max-wait-micros=0.
    System.getProperties().stringPropertyNames().stream()
        .filter(key -> key.startsWith("dqn.inference."))
        .forEach(key -> builder.property(key, System.getProperty(key)));
    return builder
        .property(
            "dqn.inference.registry.model-dir",
            Files.createTempDirectory("bench-models-").toString())
        .property("dqn.inference.batching.enabled", Boolean.toString(batching))
        .start()
        .awaitServing(Duration.ofSeconds(60));
  }

  private static Path serviceJar() {
    for (String candidate :
        List.of(
            System.getProperty("bench.jar", ""),
            "target/quarkus-app/quarkus-run.jar",
            "inference-service/target/quarkus-app/quarkus-run.jar")) {
      if (!candidate.isEmpty() && Files.isRegularFile(Paths.get(candidate))) {
        return Paths.get(candidate).toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "package the service first: mvn -pl inference-service package -DskipTests");
  }
}
