package dqn.cli;

import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The services a command starts on this machine: each a separate {@code java -jar} process on a
 * free loopback port, its output in a log file. Stopping ends them all, in reverse order; nothing
 * is left running after a failure.
 */
final class LocalServices implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** One service to start. */
  record Spec(String module, Map<String, String> properties, Map<String, String> environment, String maxHeap) {}

  private final Path logDir;
  private final Map<String, ServiceProcess> started = new LinkedHashMap<>();
  // What each service was started with, to restart it the same way on the same port.
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  // For kill(), which may run on a signal or shutdown thread while stop() holds the lock.
  private final List<ServiceProcess> everStarted = new CopyOnWriteArrayList<>();

  LocalServices(Path logDir) {
    this.logDir = logDir;
    // The services run in sessions of their own: should this JVM end any other way, they end too.
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "stop-services"));
  }

  /** The repository root (the ./dqn launcher sets dqn.home). */
  static Path home() {
    return Path.of(System.getProperty("dqn.home", ".")).toAbsolutePath().normalize();
  }

  static Path jar(String module) {
    Path jar = home().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the services first (./dqn builds them; or mvn -B install -DskipTests)");
    }
    return jar;
  }

  /**
   * The ALE folder scripts/fetch-ale.sh makes in the repository, for an env-service that runs in a
   * run directory (it looks above its working directory otherwise), unless DQN_ALE_HOME says.
   */
  private static Optional<Path> aleHome(String module) {
    Path fetched = home().resolve(".cache/ale");
    return module.equals("env-service") && System.getenv("DQN_ALE_HOME") == null && Files.isDirectory(fetched)
        ? Optional.of(fetched)
        : Optional.empty();
  }

  /** A fresh free loopback port for a service. */
  static int freePort() {
    return FreePorts.pick();
  }

  /** Starts the services in parallel and waits until each answers SERVING. */
  synchronized void start(List<Spec> toStart, Map<String, Integer> portsByModule) throws IOException, InterruptedException {
    for (Spec spec : toStart) {
      specs.put(spec.module(), spec);
      ports.put(spec.module(), portsByModule.get(spec.module()));
      launch(spec.module());
    }
    for (Spec spec : toStart) {
      awaitServing(spec.module());
    }
  }

  /**
   * Starts a service that has exited again, as before and on the same port (its clients
   * reconnect by themselves), and waits until it answers SERVING.
   */
  synchronized void restart(String module) throws IOException, InterruptedException {
    if (!specs.containsKey(module)) {
      throw new IllegalArgumentException(module + " was not started here");
    }
    ServiceProcess previous = started.get(module);
    if (previous != null && previous.isAlive()) {
      throw new IllegalStateException(module + " is still running (pid " + previous.pid() + ")");
    }
    launch(module);
    awaitServing(module);
  }

  private void launch(String module) throws IOException {
    Spec spec = specs.get(module);
    ServiceProcess.Builder builder =
        ServiceProcess.builder(jar(module))
            .port(ports.get(module))
            .maxHeap(spec.maxHeap())
            .log(logDir.resolve(module + ".log"))
            .workingDirectory(logDir)
            .ownSession();
    spec.properties().forEach(builder::property);
    spec.environment().forEach(builder::environment);
    aleHome(module).ifPresent(home -> builder.environment("DQN_ALE_HOME", home.toString()));
    ServiceProcess process = builder.start();
    started.put(module, process);
    everStarted.add(process);
    // For people and drills that want to signal one service: logs/<module>.pid.
    Files.writeString(pidFile(module), process.pid() + "\n");
  }

  private void awaitServing(String module) throws InterruptedException {
    ServiceProcess process = started.get(module);
    try {
      process.awaitServing(START_TIMEOUT);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          module + " did not start; the end of its log (" + process.log() + "):\n"
              + indent(process.logTail(25))
              + "\nEvery setting named there can be set in the run specification (--set KEY=VALUE)"
              + " or as an environment variable of that service.");
    }
  }

  /** The file holding a started service's process id. */
  Path pidFile(String module) {
    return logDir.resolve(module + ".pid");
  }

  /** The first service that has exited on its own; null while all run. */
  synchronized String deadModule() {
    for (Map.Entry<String, ServiceProcess> entry : started.entrySet()) {
      if (!entry.getValue().isAlive()) {
        return entry.getKey();
      }
    }
    return null;
  }

  /** How a service that exited ended, with the end of its log. */
  synchronized String exitReport(String module) {
    ServiceProcess process = started.get(module);
    return module + " exited" + process.exitCode().map(code -> " with " + describe(code)).orElse("")
        + "; the end of its log (" + process.log() + "):\n" + indent(process.logTail(25));
  }

  /** 128 + n is how a JVM reports death by signal n. */
  private static String describe(int exitCode) {
    return switch (exitCode) {
      case 137 -> "137 (SIGKILL: killed, e.g. out of memory)";
      case 143 -> "143 (SIGTERM)";
      case 134 -> "134 (SIGABRT: a native crash)";
      case 139 -> "139 (SIGSEGV: a native crash)";
      default -> Integer.toString(exitCode);
    };
  }

  /** Ends every service (SIGTERM, then SIGKILL after {@code grace}), the last started first. */
  synchronized void stop(Duration grace) throws InterruptedException, IOException {
    List<ServiceProcess> processes = new ArrayList<>(started.values());
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop(grace);
    }
    for (String module : started.keySet()) {
      Files.deleteIfExists(pidFile(module));
    }
    started.clear();
  }

  /** Ends every service at once (SIGKILL). */
  void kill() {
    for (ServiceProcess process : everStarted) {
      try {
        process.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    stop(Duration.ofSeconds(60));
  }

  private static String indent(String text) {
    return text.lines().map(line -> "    " + line).reduce((a, b) -> a + "\n" + b).orElse("    (empty)");
  }
}
