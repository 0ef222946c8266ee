package dqn.cli.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the training page shows, and the pages watching it: the run's whole history (a resumed
 * run's too, read from its run directory), the newest screen of an actor's game, model versions,
 * service health and the run specification. Every change is published as one event to each
 * watching page; a page that falls behind is dropped and reconnects to a fresh {@code state}.
 */
public final class DashboardState {

  /** One event for the pages: its name and JSON data. */
  public record Event(String name, String json) {}

  /** A page's connection: the events it has not been sent yet. */
  public final class Subscription implements AutoCloseable {
    // Room for a few seconds of frames and rows; a page further behind starts over.
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(256);
    private volatile boolean dropped;

    /** The next event, or null when none came within the timeout. */
    public Event next(long timeout, TimeUnit unit) throws InterruptedException {
      return queue.poll(timeout, unit);
    }

    /** Whether the page fell so far behind that it must reconnect. */
    public boolean dropped() {
      return dropped;
    }

    void offer(Event event, boolean droppable) {
      if (droppable) {
        // Frames only while there is room to spare, so rows are never crowded out.
        if (queue.remainingCapacity() > queue.size()) {
          queue.offer(event);
        }
      } else if (!queue.offer(event)) {
        dropped = true;
      }
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  private final String run;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<MetricsRow> metrics = new ArrayList<>();
  private final List<EpisodeRow> episodes = new ArrayList<>();
  private JsonObject spec = new JsonObject();
  private JsonElement health = new JsonArray();
  private JsonElement models = new JsonObject();
  private Event frame;

  /** @param run the run's name, for the page's title */
  public DashboardState(String run) {
    this.run = run;
  }

  /** The run specification in effect. */
  public synchronized void spec(Map<String, String> values) {
    JsonObject json = new JsonObject();
    values.forEach(json::addProperty);
    spec = json;
    publish(new Event("spec", json.toString()), false);
  }

  /** Rows the run wrote before this page's server started (a resumed run's history). */
  public synchronized void history(List<MetricsRow> rows, List<EpisodeRow> games) {
    metrics.addAll(rows);
    episodes.addAll(games);
  }

  public synchronized void add(MetricsRow row) {
    metrics.add(row);
    publish(new Event("metrics", metricsJson(metrics.size() - 1, row).toString()), false);
  }

  public synchronized void add(List<EpisodeRow> games) {
    if (games.isEmpty()) {
      return;
    }
    int first = episodes.size();
    episodes.addAll(games);
    JsonArray json = new JsonArray();
    for (int i = 0; i < games.size(); i++) {
      json.add(episodeJson(first + i, games.get(i)));
    }
    publish(new Event("episodes", json.toString()), false);
  }

  /** Each service's health: name, target, SERVING or what is wrong. */
  public synchronized void health(JsonArray services) {
    health = services;
    publish(new Event("health", services.toString()), false);
  }

  /** Model versions: the learner's snapshots, the live version and the actors' version. */
  public synchronized void models(JsonObject versions) {
    models = versions;
    publish(new Event("models", versions.toString()), false);
  }

  /** The newest screen of the watched game, a PNG, with its score. */
  public synchronized void frame(JsonObject screen) {
    frame = new Event("frame", screen.toString());
    publish(frame, true);
  }

  /** Whether any page is watching (the play view is only fetched and encoded then). */
  public boolean watched() {
    return !subscriptions.isEmpty();
  }

  /** A new page's connection, whose first event is the whole state. */
  public synchronized Subscription subscribe() {
    Subscription subscription = new Subscription();
    subscription.offer(new Event("state", stateJson()), false);
    if (frame != null) {
      subscription.offer(frame, true);
    }
    subscriptions.add(subscription);
    return subscription;
  }

  /** Everything the page shows, as one JSON object. */
  public synchronized String stateJson() {
    JsonObject state = new JsonObject();
    state.addProperty("run", run);
    JsonArray rows = new JsonArray();
    for (int i = 0; i < metrics.size(); i++) {
      rows.add(metricsJson(i, metrics.get(i)));
    }
    state.add("metrics", rows);
    JsonArray games = new JsonArray();
    for (int i = 0; i < episodes.size(); i++) {
      games.add(episodeJson(i, episodes.get(i)));
    }
    state.add("episodes", games);
    state.add("spec", spec);
    state.add("health", health);
    state.add("models", models);
    return state.toString();
  }

  private void publish(Event event, boolean droppable) {
    for (Subscription subscription : subscriptions) {
      subscription.offer(event, droppable);
    }
  }

  private static JsonObject metricsJson(int index, MetricsRow row) {
    JsonObject json = new JsonObject();
    json.addProperty("row", index);
    json.addProperty("frames", row.frames());
    json.add("wall_seconds", number(row.wallSeconds()));
    json.addProperty("updates", row.updates());
    json.addProperty("episodes", row.episodes());
    json.add("mean_return_100", number(row.meanReturn100()));
    json.add("loss", number(row.loss()));
    json.add("epsilon", number(row.epsilon()));
    json.add("frames_per_second", number(row.framesPerSecond()));
    json.add("updates_per_second", number(row.updatesPerSecond()));
    json.addProperty("replay_size", row.replaySize());
    json.addProperty("model_version", row.modelVersion());
    json.add("data_wait_fraction", number(row.dataWaitFraction()));
    return json;
  }

  private static JsonObject episodeJson(int index, EpisodeRow game) {
    JsonObject json = new JsonObject();
    json.addProperty("game", index + 1);
    json.addProperty("frames", game.frames());
    json.add("episode_return", number(game.episodeReturn()));
    json.addProperty("length_steps", game.lengthSteps());
    json.addProperty("actor", game.actor());
    return json;
  }

  /** JSON has no NaN: a value not known yet is null. */
  public static JsonElement number(double value) {
    return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }
}
