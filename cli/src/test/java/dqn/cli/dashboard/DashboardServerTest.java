package dqn.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The page's server over a real socket: its files, its state, and its event stream. */
class DashboardServerTest {

  private static final MetricsRow BEFORE_UPDATES =
      new MetricsRow(1_000, 2.5, 0, 4, -0.5, Double.NaN, 0.9, 400, Double.NaN, 900, 0, Double.NaN);
  private static final MetricsRow LEARNING =
      new MetricsRow(2_000, 5.0, 120, 9, 0.25, 0.0125, 0.8, 410, 24, 1_900, 3, 0.125);

  private final HttpClient http = HttpClient.newHttpClient();
  private DashboardServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private DashboardState started() throws Exception {
    DashboardState state = new DashboardState("demo");
    state.history(List.of(BEFORE_UPDATES), List.of(new EpisodeRow(900, -1, 6, "actor-0")));
    state.spec(Map.of("game", "catch"));
    server = DashboardServer.start(new InetSocketAddress("127.0.0.1", 0), state);
    return state;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageFromTheJarAndTheStateAsJsonWithUnknownValuesNull() throws Exception {
    started();
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("dashboard.js"), "the page loads its script");
    assertEquals(200, get("/dashboard.js").statusCode());
    assertTrue(get("/dashboard.js").headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertEquals(404, get("/nothing-here").statusCode());

    JsonObject state = JsonParser.parseString(get("/api/state").body()).getAsJsonObject();
    assertEquals("demo", state.get("run").getAsString());
    JsonObject row = state.getAsJsonArray("metrics").get(0).getAsJsonObject();
    assertEquals(1_000, row.get("frames").getAsLong());
    assertTrue(row.get("loss").isJsonNull(), "NaN (no update yet) is null in JSON");
    assertEquals("catch", state.getAsJsonObject("spec").get("game").getAsString());
    assertEquals(1, state.getAsJsonArray("episodes").get(0).getAsJsonObject().get("game").getAsInt());
  }

  @Test
  void theEventStreamStartsWithTheWholeStateThenSendsEachNewRow() throws Exception {
    DashboardState state = started();
    HttpResponse<java.io.InputStream> events =
        http.send(HttpRequest.newBuilder(URI.create(server.url() + "events")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals("text/event-stream; charset=utf-8", events.headers().firstValue("Content-Type").orElse(""));
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      List<String> first = event(lines);
      assertEquals("event: state", first.get(0));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!state.watched() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      state.add(LEARNING);
      List<String> next = event(lines);
      assertEquals("event: metrics", next.get(0));
      JsonObject row = JsonParser.parseString(next.get(1).substring("data: ".length())).getAsJsonObject();
      assertEquals(1, row.get("row").getAsInt(), "the row's index in metrics.csv");
      assertEquals(0.125, row.get("data_wait_fraction").getAsDouble());
    }
  }

  @Test
  void aPageThatFallsBehindIsDroppedAndFramesNeverCrowdOutRows() {
    DashboardState state = new DashboardState("demo");
    DashboardState.Subscription page = state.subscribe();
    for (int i = 0; i < 1_000; i++) {
      JsonObject frame = new JsonObject();
      frame.addProperty("png", "x");
      state.frame(frame);
    }
    assertFalse(page.dropped(), "frames beyond the room are skipped, not queued");
    for (int i = 0; i < 300; i++) {
      state.add(LEARNING);
    }
    assertTrue(page.dropped(), "a page 300 rows behind starts over");
    page.close();
    assertFalse(state.watched());
  }

  /** The lines of the next event (skipping retry and keepalive blocks). */
  private static List<String> event(BufferedReader lines) throws Exception {
    while (true) {
      List<String> block = new ArrayList<>();
      for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
        block.add(line);
      }
      if (!block.isEmpty() && block.get(0).startsWith("event: ")) {
        return block;
      }
    }
  }
}
