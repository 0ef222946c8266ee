package dqn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local redis-server for the replay, with its append-only file in the run directory, so that a
 * resumed run finds its replay again.
 */
final class RedisServer implements AutoCloseable {

  private final Path dir;
  private final Path log;
  private final int port;
  private volatile Process process;

  private RedisServer(Path dir, Path log, int port) {
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  static RedisServer start(Path dir, Path log) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    RedisServer server = new RedisServer(dir, log, LocalServices.freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "stop-redis"));
    server.launch();
    return server;
  }

  /** Starts Redis again after it exited, on the same port and with the same append-only file. */
  void restart() throws IOException, InterruptedException {
    if (isAlive()) {
      throw new IllegalStateException("redis-server is still running (pid " + process.pid() + ")");
    }
    launch();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** How it ended, with the end of its log. */
  String exitReport() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String tail = String.join("\n    ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    return "redis-server exited with " + process.exitValue() + "; the end of its log (" + log + "):\n    " + tail;
  }

  /** The file holding its process id: logs/redis.pid beside its log. */
  Path pidFile() {
    return log.resolveSibling("redis.pid");
  }

  private void launch() throws IOException, InterruptedException {
    // setsid: a Ctrl-C at the terminal reaches the command line only, which stops Redis last.
    List<String> command =
        List.of(
            "setsid", "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no");
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start redis-server (" + e.getMessage() + "): install it (scripts/setup.sh does, or apt-get"
              + " install redis-server), or train with the in-memory replay (leave out --replay redis)");
    }
    Files.writeString(pidFile(), process.pid() + "\n");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited at start; its log: " + log);
      }
      if (ping()) {
        return;
      }
      Thread.sleep(100);
    }
    close();
    throw new IllegalStateException("redis-server did not answer PING within 30 s; its log: " + log);
  }

  private void destroy() {
    Process current = process;
    if (current != null) {
      current.destroy();
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  private boolean ping() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = new byte[7];
      int n = in.read(answer);
      return n > 0 && new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  /** SIGTERM: Redis writes its append-only file and exits. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException ignored) {
      // A stale pid file names a process that no longer exists; nothing depends on it.
    }
  }
}
