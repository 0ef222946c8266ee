package dqn.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dqn.cli.dashboard.DashboardState;
import dqn.v1.ActorFrame;
import dqn.v1.ListSnapshotsRequest;
import dqn.v1.ModelInfo;
import dqn.v1.SnapshotInfo;
import dqn.v1.WatchActorRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;

/**
 * Feeds the training page from the services: their health and model versions every few
 * seconds, and, while a page is open, the screen of actor 0's first session as it plays (the
 * env-service's WatchActor stream), each screen a PNG.
 */
final class ServiceWatcher implements AutoCloseable {

  static final float PLAY_FRAMES_PER_SECOND = 15;
  private static final long HEALTH_PERIOD_MS = 3_000;
  private static final long MODELS_PERIOD_MS = 5_000;
  private static final int SNAPSHOTS_SHOWN = 20;

  private final ServiceClients clients;
  private final DashboardState state;
  private final LongSupplier actorsModelVersion;
  private final Thread poller;
  private final Thread player;
  private volatile boolean closed;
  private volatile Context.CancellableContext playing;

  /**
   * @param actorsModelVersion the version the actors act with, as last seen
   */
  ServiceWatcher(ServiceClients clients, DashboardState state, LongSupplier actorsModelVersion) {
    this.clients = clients;
    this.state = state;
    this.actorsModelVersion = actorsModelVersion;
    this.poller = new Thread(this::poll, "dashboard-services");
    this.player = new Thread(this::play, "dashboard-play");
    poller.setDaemon(true);
    player.setDaemon(true);
    poller.start();
    player.start();
  }

  private void poll() {
    long nextModels = 0;
    try {
      while (!closed) {
        state.health(health());
        if (System.currentTimeMillis() >= nextModels) {
          state.models(models());
          nextModels = System.currentTimeMillis() + MODELS_PERIOD_MS;
        }
        Thread.sleep(HEALTH_PERIOD_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonArray health() {
    Map<String, String> services = new LinkedHashMap<>();
    services.put("env-service", clients.endpoints.env());
    services.put("replay-service", clients.endpoints.replay());
    services.put("learner-service", clients.endpoints.learner());
    services.put("inference-service", clients.endpoints.inference());
    JsonArray json = new JsonArray();
    services.forEach(
        (name, target) -> {
          JsonObject service = new JsonObject();
          service.addProperty("service", name);
          service.addProperty("target", target);
          service.addProperty("health", ServiceClients.health(target));
          json.add(service);
        });
    return json;
  }

  private JsonObject models() {
    JsonObject json = new JsonObject();
    json.addProperty("actors_version", actorsModelVersion.getAsLong());
    JsonArray snapshots = new JsonArray();
    try {
      for (SnapshotInfo s :
          clients.learner().listSnapshots(ListSnapshotsRequest.newBuilder().setLimit(SNAPSHOTS_SHOWN).build()).getSnapshotsList()) {
        JsonObject snapshot = new JsonObject();
        snapshot.addProperty("model", s.getModel());
        snapshot.addProperty("version", s.getVersion());
        snapshot.addProperty("update_step", s.getUpdateStep());
        snapshot.addProperty("env_frames", s.getEnvFrames());
        snapshot.addProperty("created_unix_ms", s.getCreatedUnixMs());
        snapshot.addProperty("published", s.getPublished());
        snapshot.add("max_abs_diff", DashboardState.number(s.getMaxAbsDiff()));
        snapshots.add(snapshot);
      }
    } catch (StatusRuntimeException e) {
      json.addProperty("learner_problem", e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
    json.add("snapshots", snapshots);
    JsonObject live = new JsonObject();
    try {
      for (ModelInfo model : clients.inference.listModels().getModelsList()) {
        live.addProperty(model.getModel(), model.getLiveVersion());
      }
    } catch (StatusRuntimeException e) {
      json.addProperty("inference_problem", e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
    json.add("live", live);
    return json;
  }

  /** Watches actor 0 while a page is open; waits and asks again while no actors play. */
  private void play() {
    try {
      while (!closed) {
        if (!state.watched()) {
          Thread.sleep(500);
          continue;
        }
        Context.CancellableContext context = Context.current().withCancellation();
        playing = context;
        try {
          context.run(this::streamFrames);
        } catch (StatusRuntimeException e) {
          // Actors not started yet, stopped, or the env-service restarting: ask again soon.
        } finally {
          context.cancel(null);
          playing = null;
        }
        Thread.sleep(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void streamFrames() {
    Iterator<ActorFrame> frames =
        clients.envWatching()
            .watchActor(WatchActorRequest.newBuilder().setFramesPerSecond(PLAY_FRAMES_PER_SECOND).build());
    while (!closed && state.watched() && frames.hasNext()) {
      state.frame(frameJson(frames.next()));
    }
  }

  private static JsonObject frameJson(ActorFrame frame) {
    JsonObject json = new JsonObject();
    json.addProperty("actor", frame.getActor());
    json.addProperty("session", frame.getSession());
    json.addProperty("episode_return", frame.getEpisodeReturn());
    json.addProperty("episode_steps", frame.getEpisodeSteps());
    json.addProperty("frames", frame.getFrames());
    json.addProperty("model_version", frame.getModelVersion());
    json.addProperty("png", Base64.getEncoder().encodeToString(png(frame)));
    return json;
  }

  static byte[] png(ActorFrame frame) {
    int height = frame.getHeight();
    int width = frame.getWidth();
    byte[] rgb = frame.getRgb().toByteArray();
    if (height <= 0 || width <= 0 || rgb.length != height * width * 3) {
      throw new IllegalArgumentException(
          "a screen of " + rgb.length + " bytes is not " + height + " x " + width + " RGB");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i += 3) {
        image.setRGB(x, y, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }

  @Override
  public void close() {
    closed = true;
    Context.CancellableContext context = playing;
    if (context != null) {
      context.cancel(null);
    }
    poller.interrupt();
    player.interrupt();
  }
}
