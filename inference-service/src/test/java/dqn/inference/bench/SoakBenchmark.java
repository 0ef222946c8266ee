package dqn.inference.bench;

import dqn.inference.ApiClient;
import dqn.inference.TestModels;
import dqn.launcher.ServiceProcess;
import dqn.qnetwork.QNetworkWeights;
import dqn.v1.ActRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The soak: 16 clients calling Act on the NIPS network for 10 minutes (each on its own
 * connection, batch 1, batching on, as actors do), printing each minute's p50 and p99 latency,
 * calls and the service's resident size. Target: p99 of the last minute within 1.5x the first,
 * resident size flat. A benchmark, not a test.
 *
 * <pre>
 * scripts/bench.sh soak     # or: -Dbench.minutes=10 -Dbench.clients=16
 * </pre>
 */
public final class SoakBenchmark {

  private static final int MINUTES = Integer.getInteger("bench.minutes", 10);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 16);

  private SoakBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = serviceJar();
    System.out.printf(
        "soak: %d clients x %d minutes, NIPS network, batch 1; %d cores, load average at start %.2f%n",
        CLIENTS, MINUTES, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    QNetworkWeights pong = TestModels.nips(6, 1);
    byte[] frame = TestModels.frames(pong, 1, 3);
    try (ServiceProcess service =
            ServiceProcess.builder(jar)
                .property("dqn.inference.registry.model-dir", Files.createTempDirectory("soak-models-").toString())
                .start()
                .awaitServing(Duration.ofSeconds(60));
        ApiClient publisher = new ApiClient(service.port())) {
      publisher.upload("pong", TestModels.onnx(pong), true);
      ActRequest request =
          ActRequest.newBuilder().setModel("pong").setObservations(ApiClient.uint8(frame, 1, 4, 84, 84)).build();
      AtomicBoolean running = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      List<ApiClient> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        ApiClient client = new ApiClient(service.port());
        clients.add(client);
        Thread thread =
            new Thread(
                () -> {
                  while (running.get()) {
                    long start = System.nanoTime();
                    client.blocking().withDeadlineAfter(10, TimeUnit.SECONDS).act(request);
                    latencies.add(System.nanoTime() - start);
                  }
                });
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
      System.out.println("minute  calls    p50_ms  p99_ms  resident_MB");
      double firstP99 = Double.NaN;
      double lastP99 = Double.NaN;
      long firstResident = 0;
      long lastResident = 0;
      for (int minute = 1; minute <= MINUTES; minute++) {
        Thread.sleep(TimeUnit.MINUTES.toMillis(1));
        long[] window = drain(latencies);
        Arrays.sort(window);
        double p50 = window[window.length / 2] / 1e6;
        double p99 = window[(int) (window.length * 0.99)] / 1e6;
        long resident = residentKb(service.pid()) / 1024;
        System.out.printf("%6d  %7d  %6.3f  %6.3f  %11d%n", minute, window.length, p50, p99, resident);
        if (minute == 1) {
          firstP99 = p99;
          firstResident = resident;
        }
        lastP99 = p99;
        lastResident = resident;
      }
      running.set(false);
      for (Thread thread : threads) {
        thread.join(15_000);
      }
      for (ApiClient client : clients) {
        client.close();
      }
      System.out.printf(
          "soak: p99 last/first minute %.2f (target <= 1.5); resident last/first %.2f (%d -> %d MB)%n",
          lastP99 / firstP99, (double) lastResident / firstResident, firstResident, lastResident);
    }
  }

  private static long[] drain(ConcurrentLinkedQueue<Long> queue) {
    List<Long> taken = new ArrayList<>();
    for (Long value = queue.poll(); value != null; value = queue.poll()) {
      taken.add(value);
    }
    return taken.stream().mapToLong(Long::longValue).toArray();
  }

  private static long residentKb(long pid) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static Path serviceJar() {
    for (String candidate : List.of("target/quarkus-app/quarkus-run.jar", "inference-service/target/quarkus-app/quarkus-run.jar")) {
      if (Files.isRegularFile(Paths.get(candidate))) {
        return Paths.get(candidate).toAbsolutePath();
      }
    }
    throw new IllegalStateException("package the service first: mvn -pl inference-service package -DskipTests");
  }
}
