package dqn.cli.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The training page over HTTP: the page itself (plain HTML, CSS and canvas drawing, served from
 * the jar, so it works with no internet), {@code /events} (Server-Sent Events: the whole state
 * first, then every change; browsers reconnect by themselves) and {@code /api/state} (the same
 * state as one JSON document, for scripts).
 */
public final class DashboardServer implements AutoCloseable {

  private static final Map<String, String> PAGES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/dashboard.js", "dashboard.js",
          "/dashboard.css", "dashboard.css");
  private static final long KEEPALIVE_SECONDS = 15;

  private final HttpServer server;
  private final ExecutorService threads;
  private final DashboardState state;
  private volatile boolean closed;

  private DashboardServer(HttpServer server, ExecutorService threads, DashboardState state) {
    this.server = server;
    this.threads = threads;
    this.state = state;
  }

  /**
   * Serves {@code state} at {@code address} (port 0: any free one).
   *
   * @throws IOException when the address cannot be bound, e.g. the port is taken
   */
  public static DashboardServer start(InetSocketAddress address, DashboardState state) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    // One thread per open page (each holds its event stream); they end when pages close.
    ExecutorService threads =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "dashboard-http");
              thread.setDaemon(true);
              return thread;
            });
    DashboardServer dashboard = new DashboardServer(server, threads, state);
    server.createContext("/", dashboard::handle);
    server.setExecutor(threads);
    server.start();
    return dashboard;
  }

  /** The page's address, e.g. http://127.0.0.1:8765/ */
  public String url() {
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "text/plain", "only GET\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/events")) {
        events(exchange);
      } else if (path.equals("/api/state")) {
        send(exchange, 200, "application/json", state.stateJson().getBytes(StandardCharsets.UTF_8));
      } else if (PAGES.containsKey(path)) {
        String file = PAGES.get(path);
        send(exchange, 200, contentType(file), resource(file));
      } else {
        send(exchange, 404, "text/plain", ("no page " + path + "; the dashboard is at /\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void events(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    OutputStream body = exchange.getResponseBody();
    try (DashboardState.Subscription subscription = state.subscribe()) {
      // Reconnect quickly after the server restarts (a resumed run).
      body.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      while (!closed && !subscription.dropped()) {
        DashboardState.Event event = subscription.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        String text = event == null ? ": keepalive\n\n" : "event: " + event.name() + "\ndata: " + event.json() + "\n\n";
        body.write(text.getBytes(StandardCharsets.UTF_8));
        body.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException pageClosed) {
      // The page went away; its subscription is closed above.
    }
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static byte[] resource(String file) throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IOException("the dashboard's " + file + " is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  private static String contentType(String file) {
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
