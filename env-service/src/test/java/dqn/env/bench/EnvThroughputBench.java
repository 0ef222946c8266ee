package dqn.env.bench;

import dqn.env.TestAle;
import dqn.env.ale.Game;
import dqn.env.games.GameCatalogue;
import dqn.env.preprocess.AtariPreprocessor;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.preprocess.StepOutcome;
import dqn.testkit.GrpcProbe;
import dqn.launcher.ServiceProcess;
import dqn.v1.CreateSessionRequest;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.SessionAction;
import dqn.v1.StepRequest;
import dqn.v1.StepResponse;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Preprocessed env steps per second on Pong with random actions (standard DQN preprocessing:
 * frame skip 4 with max-pool, 84x84, stack 4, up to 30 no-ops), in one run:
 *
 * <ul>
 *   <li>the Python reference ({@code env-service/bench/python_reference.py}): ale_py's C++
 *       AtariVectorEnv with 8 envs, and gymnasium's AtariPreprocessing on one env;
 *   <li>in-process: one {@link AtariPreprocessor} on one thread, observation copied each step;
 *   <li>through gRPC: the packaged service in its own process, Step with 8 and 32 sessions per
 *       call from one client thread (also with {@code latest_frame_only}: a quarter of the
 *       bytes), and StepStream with 32 sessions per request and two requests in flight (the
 *       server steps one while the client reads the other). The server first runs
 *       {@value #SERVER_WARM_UP_SECONDS} s unmeasured.
 * </ul>
 *
 * <p>Beside wall-clock steps/s, each case reports steps per CPU-second (all threads of the
 * processes involved, JIT and GC included: for gRPC, server and client), a figure that other
 * load on the machine hardly changes. Java cases first play {@value #WARM_UP_SECONDS} s unmeasured
 * (JIT compilation).
 *
 * <p>Run from the repository root after {@code mvn -pl env-service package}:
 * {@code mvn -B -o -q -pl env-service test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dqn.env.bench.EnvThroughputBench [-Dbench.seconds=15]}
 */
public final class EnvThroughputBench {

  private static final double WARM_UP_SECONDS = 3;
  private static final double SERVER_WARM_UP_SECONDS = 10;
  // Linux's USER_HZ, the unit of /proc/PID/stat times.
  private static final int CLOCK_TICKS = 100;

  private EnvThroughputBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "15"));
    Path root = repositoryRoot();
    Map<String, Rate> results = new LinkedHashMap<>();
    double loadBefore = load();

    results.putAll(python(root, seconds));
    results.put("java_inprocess_1thread", inProcess(seconds));
    Path jar = root.resolve("env-service/target/quarkus-app/quarkus-run.jar");
    try (ServiceProcess service =
            ServiceProcess.builder(jar)
                .property("dqn.env.ale-home", TestAle.home().root().toString())
                .property("dqn.env.catalogue-warm-up", "false")
                .start();
        GrpcProbe probe = new GrpcProbe("127.0.0.1", service.port())) {
      service.awaitServing(Duration.ofSeconds(60));
      EnvServiceGrpc.EnvServiceBlockingStub stub = EnvServiceGrpc.newBlockingStub(probe.channel());
      // The server is a fresh JVM: let the JIT compile its hot paths before anything is measured.
      grpc(stub, service.pid(), 32, false, SERVER_WARM_UP_SECONDS);
      results.put("java_grpc_step_8_sessions", grpc(stub, service.pid(), 8, false, seconds));
      results.put("java_grpc_step_32_sessions", grpc(stub, service.pid(), 32, false, seconds));
      results.put(
          "java_grpc_step_32_sessions_latest_frame", grpc(stub, service.pid(), 32, true, seconds));
      EnvServiceGrpc.EnvServiceStub async = EnvServiceGrpc.newStub(probe.channel());
      results.put(
          "java_grpc_stream_32_sessions_2_in_flight", stream(stub, async, service.pid(), 32, seconds));
    }

    int cores = Runtime.getRuntime().availableProcessors();
    Rate vector = results.get("python_ale_vector_8env");
    double vectorPerCore = vector.stepsPerSecond() / cores;
    System.out.printf(
        "%n# Pong, random actions, %.0f s per case, %d cores, load average %.2f before / %.2f after%n",
        seconds, cores, loadBefore, load());
    System.out.printf(
        "%-40s %10s %15s %14s %14s%n",
        "case", "steps/s", "x vector/core", "steps/CPU-s", "x vector CPU");
    results.forEach(
        (name, rate) ->
            System.out.printf(
                "%-40s %10.0f %15.2f %14.0f %14.2f%n",
                name,
                rate.stepsPerSecond(),
                rate.stepsPerSecond() / vectorPerCore,
                rate.stepsPerCpuSecond(),
                rate.stepsPerCpuSecond() / vector.stepsPerCpuSecond()));
  }

  /** Wall-clock steps per second, and steps per CPU-second of the processes involved. */
  private record Rate(double stepsPerSecond, double stepsPerCpuSecond) {}

  private static Rate inProcess(double seconds) {
    Game pong = GameCatalogue.scan(TestAle.loaded().romDirectory()).find("pong").orElseThrow();
    PreprocessOptions options = PreprocessOptions.DEFAULTS;
    byte[] observation = new byte[options.observationBytes()];
    SplittableRandom random = new SplittableRandom(0);
    try (AtariPreprocessor env = AtariPreprocessor.open(pong, TestAle.rom("pong"), options, 0)) {
      playInProcess(env, observation, random, WARM_UP_SECONDS);
      double cpuStart = clientCpuSeconds();
      long start = System.nanoTime();
      long steps = playInProcess(env, observation, random, seconds);
      double cpu = clientCpuSeconds() - cpuStart;
      return new Rate(steps / ((System.nanoTime() - start) / 1e9), steps / cpu);
    }
  }

  private static long playInProcess(
      AtariPreprocessor env, byte[] observation, SplittableRandom random, double seconds) {
    int actions = env.actions().size();
    long steps = 0;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (true) {
      StepOutcome outcome = env.step(random.nextInt(actions));
      env.observation(observation, 0);
      steps++;
      if (outcome.done()) {
        env.reset();
      }
      if ((steps & 255) == 0 && System.nanoTime() >= deadline) {
        return steps;
      }
    }
  }

  private static Rate grpc(
      EnvServiceGrpc.EnvServiceBlockingStub stub,
      long serverPid,
      int sessions,
      boolean latestFrameOnly,
      double seconds)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      ids.add(
          stub.createSession(
                  CreateSessionRequest.newBuilder()
                      .setGame("pong")
                      .setSeed(i)
                      .setLatestFrameOnly(latestFrameOnly)
                      .build())
              .getSessionId());
    }
    SplittableRandom random = new SplittableRandom(1);
    stepAll(stub, ids, random, WARM_UP_SECONDS);
    double cpuStart = processCpuSeconds(serverPid) + clientCpuSeconds();
    long start = System.nanoTime();
    long calls = stepAll(stub, ids, random, seconds);
    double stepsPerSecond = calls * sessions / ((System.nanoTime() - start) / 1e9);
    double cpu = processCpuSeconds(serverPid) + clientCpuSeconds() - cpuStart;
    for (String id : ids) {
      stub.closeSession(dqn.v1.CloseSessionRequest.newBuilder().setSessionId(id).build());
    }
    return new Rate(stepsPerSecond, calls * sessions / cpu);
  }

  private static Rate stream(
      EnvServiceGrpc.EnvServiceBlockingStub stub,
      EnvServiceGrpc.EnvServiceStub async,
      long serverPid,
      int sessions,
      double seconds)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      ids.add(stub.createSession(CreateSessionRequest.newBuilder().setGame("pong").setSeed(i).build()).getSessionId());
    }
    Semaphore inFlight = new Semaphore(2);
    AtomicLong answered = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<StepRequest> requests =
        async.stepStream(
            new StreamObserver<>() {
              @Override
              public void onNext(StepResponse response) {
                answered.incrementAndGet();
                inFlight.release();
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
                inFlight.release(2);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    SplittableRandom random = new SplittableRandom(2);
    long warmUpEnd = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
    long measureEnd = warmUpEnd + (long) (seconds * 1e9);
    long answeredAtStart = -1;
    double cpuStart = 0;
    long start = 0;
    while (System.nanoTime() < measureEnd && !done.isDone()) {
      if (answeredAtStart < 0 && System.nanoTime() >= warmUpEnd) {
        answeredAtStart = answered.get();
        cpuStart = processCpuSeconds(serverPid) + clientCpuSeconds();
        start = System.nanoTime();
      }
      inFlight.acquire();
      StepRequest.Builder request = StepRequest.newBuilder();
      for (String id : ids) {
        request.addActions(
            SessionAction.newBuilder().setSessionId(id).setAction(random.nextInt(6)).setAutoReset(true));
      }
      requests.onNext(request.build());
    }
    long calls = answered.get() - answeredAtStart;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = processCpuSeconds(serverPid) + clientCpuSeconds() - cpuStart;
    requests.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    for (String id : ids) {
      stub.closeSession(dqn.v1.CloseSessionRequest.newBuilder().setSessionId(id).build());
    }
    return new Rate(calls * sessions / elapsed, calls * sessions / cpu);
  }

  /** Steps every session once per call, for the given time; returns the number of calls. */
  private static long stepAll(
      EnvServiceGrpc.EnvServiceBlockingStub stub, List<String> ids, SplittableRandom random, double seconds) {
    long calls = 0;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      StepRequest.Builder request = StepRequest.newBuilder();
      for (String id : ids) {
        request.addActions(
            SessionAction.newBuilder().setSessionId(id).setAction(random.nextInt(6)).setAutoReset(true));
      }
      stub.step(request.build());
      calls++;
    }
    return calls;
  }

  /** CPU time of a process (all threads) from /proc/PID/stat: utime + stime, in clock ticks. */
  private static double processCpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of stat; index 11 and 12 after the command name and state.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
  }

  private static double clientCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static Map<String, Rate> python(Path root, double seconds) throws Exception {
    Path python = root.resolve(".cache/pyenv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException("no reference Python at " + python + ": run scripts/setup.sh");
    }
    Process process =
        new ProcessBuilder(
                python.toString(),
                root.resolve("env-service/bench/python_reference.py").toString(),
                "--seconds", Double.toString(seconds))
            .redirectErrorStream(true)
            .start();
    Map<String, Rate> results = new LinkedHashMap<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] fields = line.trim().split(" ");
        if (fields.length == 3 && (fields[0].startsWith("vec_") || fields[0].startsWith("gym_"))) {
          results.put(
              fields[0].startsWith("vec_") ? "python_ale_vector_8env" : "python_gym_1env",
              new Rate(Double.parseDouble(fields[1]), Double.parseDouble(fields[2])));
        }
      }
    }
    if (process.waitFor() != 0 || results.size() != 2) {
      throw new IllegalStateException("python reference failed (exit " + process.exitValue() + ")");
    }
    return results;
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("env-service/bench"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run from inside the repository");
  }
}
