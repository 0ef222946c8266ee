package dqn.replay.testing;

import dqn.launcher.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server child process on a free loopback port, with append-only persistence in a
 * temporary directory. {@link #stop} and {@link #start} again keep the directory, so a restart
 * reloads the AOF; {@link #close} stops it and deletes the directory.
 */
public final class RedisServerProcess implements AutoCloseable {

  private final Path directory;
  private final int port;
  private final String password;
  private Process process;

  private RedisServerProcess(Path directory, int port, String password) {
    this.directory = directory;
    this.port = port;
    this.password = password;
  }

  /** Starts a fresh server (empty directory). */
  public static RedisServerProcess start() {
    return start(null);
  }

  /** Starts a fresh server that requires {@code password} (Redis AUTH), or none when null. */
  public static RedisServerProcess start(String password) {
    try {
      RedisServerProcess redis =
          new RedisServerProcess(Files.createTempDirectory("replay-redis-"), FreePorts.pick(), password);
      redis.restart();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the server again on the same port and directory (it reloads its AOF). */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("redis-server is already running on " + port);
    }
    try {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                  "--save", "", "--appendonly", "yes", "--dir", directory.toString(),
                  "--daemonize", "no"));
      if (password != null) {
        command.addAll(List.of("--requirepass", password));
      }
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("redis.log").toFile())
              .start();
      awaitListening();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start redis-server (is it installed?)", e);
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited at start; see " + directory);
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.getOutputStream().write("PING\r\n".getBytes());
        byte[] reply = new byte[64];
        int n = socket.getInputStream().read(reply);
        // A server that requires a password answers PING with NOAUTH: it is listening.
        if (n > 0 && (new String(reply, 0, n).startsWith("+PONG") || new String(reply, 0, n).startsWith("-NOAUTH"))) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet, or still loading its AOF.
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("redis-server did not answer PING on " + port);
  }

  /** Stops the server gracefully (SIGTERM); the AOF stays for {@link #restart}. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
