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
  synchronized void start(List<Spec> specs, Map<String, Integer> ports) throws IOException, InterruptedException {
    for (Spec spec : specs) {
      ServiceProcess.Builder builder =
          ServiceProcess.builder(jar(spec.module()))
              .port(ports.get(spec.module()))
              .maxHeap(spec.maxHeap())
              .log(logDir.resolve(spec.module() + ".log"))
              .workingDirectory(logDir)
              .ownSession();
      spec.properties().forEach(builder::property);
      spec.environment().forEach(builder::environment);
      aleHome(spec.module()).ifPresent(home -> builder.environment("DQN_ALE_HOME", home.toString()));
      ServiceProcess process = builder.start();
      started.put(spec.module(), process);
      everStarted.add(process);
    }
    for (Spec spec : specs) {
      ServiceProcess process = started.get(spec.module());
      try {
        process.awaitServing(START_TIMEOUT);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(
            spec.module() + " did not start; the end of its log (" + process.log() + "):\n"
                + indent(process.logTail(25))
                + "\nEvery setting named there can be set in the run specification (--set KEY=VALUE)"
                + " or as an environment variable of that service.");
      }
    }
  }

  /** The first service that has exited on its own, with the end of its log; null while all run. */
  String deadService() {
    for (Map.Entry<String, ServiceProcess> entry : started.entrySet()) {
      if (!entry.getValue().isAlive()) {
        return entry.getKey() + " exited; the end of its log (" + entry.getValue().log() + "):\n"
            + indent(entry.getValue().logTail(25));
      }
    }
    return null;
  }

  /** Ends every service (SIGTERM, then SIGKILL after {@code grace}), the last started first. */
  synchronized void stop(Duration grace) throws InterruptedException {
    List<ServiceProcess> processes = new ArrayList<>(started.values());
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop(grace);
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
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(60));
  }

  private static String indent(String text) {
    return text.lines().map(line -> "    " + line).reduce((a, b) -> a + "\n" + b).orElse("    (empty)");
  }
}
