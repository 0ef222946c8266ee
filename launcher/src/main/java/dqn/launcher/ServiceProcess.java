package dqn.launcher;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A service started the way a user starts it, {@code java -jar .../quarkus-run.jar}, in its own
 * process on a free loopback port, with its output in a log file. The command line starts the
 * services of a training run with it; integration tests use it to talk to the real application
 * over real sockets, and to kill it.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);
  /** util-linux's setsid; it execs in place, so the process is the service's JVM itself. */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The application jar of the module under test, as the build's failsafe configuration names it. */
  public static Path moduleJar() {
    String jar = System.getProperty("dqn.service.jar");
    if (jar == null) {
      throw new IllegalStateException("system property dqn.service.jar is not set (run with failsafe)");
    }
    return Paths.get(jar);
  }

  /** Builder for a service process; ports default to fresh free ones. */
  public static Builder builder(Path jar) {
    return new Builder(jar);
  }

  /** The one port of the service: gRPC, and HTTP for metrics and health. */
  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The exit code once the process has ended (128 + n after signal n); empty while it runs. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  public Path log() {
    return log;
  }

  /** The last {@code lines} lines the process has written (for a failure message). */
  public String logTail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Everything the process has written to stdout and stderr so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the server answers SERVING on the gRPC health service. */
  public ServiceProcess awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "service exited with " + process.exitValue() + " before serving:\n" + output());
        }
        try {
          HealthCheckResponse.ServingStatus status =
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(2, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus();
          if (status == HealthCheckResponse.ServingStatus.SERVING) {
            return this;
          }
        } catch (RuntimeException notYetListening) {
          // The port opens late in start-up; keep polling until the deadline.
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      channel.shutdownNow();
    }
    throw new IllegalStateException("service not SERVING after " + timeout + ":\n" + output());
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("service still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** Ends the process at once, as a crash or an OOM kill would (SIGKILL). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Asks the process to shut down gracefully (SIGTERM) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }

  /** SIGTERM, then SIGKILL if it has not ended within {@code grace}. */
  public void stop(Duration grace) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    }
  }

  /** Settings for one start. */
  public static final class Builder {
    private final Path jar;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private int port = -1;
    private String maxHeap = "1g";
    private Path log;
    private Path workingDirectory;
    private boolean ownSession;

    private Builder(Path jar) {
      this.jar = jar;
    }

    /** A configuration property, passed as {@code -Dkey=value}. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public Builder environment(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The JVM's -Xmx, e.g. "1g" (the default). */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = maxHeap;
      return this;
    }

    /** Where the output goes (appended); default a new file in the jar's module's it-logs/. */
    public Builder log(Path log) {
      this.log = log;
      return this;
    }

    /**
     * Runs the service in a session of its own (setsid), so that a Ctrl-C at the terminal reaches
     * only the program that started it, which then stops the service in order.
     */
    public Builder ownSession() {
      this.ownSession = true;
      return this;
    }

    /** The process's working directory; default the jar's folder. */
    public Builder workingDirectory(Path directory) {
      this.workingDirectory = directory;
      return this;
    }

    public ServiceProcess start() throws IOException {
      int chosenPort = port > 0 ? port : FreePorts.pick();
      Path output = log;
      if (output == null) {
        Path logDir = jar.toAbsolutePath().getParent().getParent().resolve("it-logs");
        Files.createDirectories(logDir);
        output = Files.createTempFile(logDir, "service-", ".log");
      } else {
        Files.createDirectories(output.toAbsolutePath().getParent());
      }

      List<String> command = new ArrayList<>();
      if (ownSession && Files.isExecutable(SETSID)) {
        command.add(SETSID.toString());
      }
      command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + maxHeap);
      command.add("-Dquarkus.http.port=" + chosenPort);
      properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
      command.add("-jar");
      command.add(jar.toString());

      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .directory(
                  (workingDirectory != null ? workingDirectory : jar.toAbsolutePath().getParent()).toFile());
      builder.environment().putAll(environment);
      return new ServiceProcess(builder.start(), output, chosenPort);
    }
  }
}
