package dqn.env;

import dqn.env.ale.AleException;
import dqn.env.ale.AleHome;
import dqn.env.ale.NativeLoader;
import dqn.env.actors.ActorPool;
import dqn.env.config.ActorConfig;
import dqn.env.config.AleConfig;
import dqn.env.grpc.ConfiguredActors;
import dqn.env.grpc.GrpcConnections;
import dqn.env.config.SessionConfig;
import dqn.env.games.GameCatalogue;
import dqn.env.metrics.EnvMetrics;
import dqn.env.session.SessionLimits;
import dqn.env.session.SessionManager;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.jboss.logging.Logger;

/**
 * Builds the env-service's domain objects from its configuration, at start: a missing ALE or an
 * impossible setting stops the start with the fix in the message.
 */
@ApplicationScoped
public class EnvBeans {

  private static final Logger LOG = Logger.getLogger(EnvBeans.class);

  /** The threads that step the sessions of one call; the calling thread steps one part. */
  public record SessionWorkers(ExecutorService pool, int parallelism) {}

  @Produces
  @Singleton
  @Startup
  GameCatalogue catalogue(AleConfig config) {
    try {
      return openCatalogue(config);
    } catch (IllegalStateException | AleException e) {
      // Logged here because a failed start otherwise ends without a word.
      String message = "env-service cannot start: " + e.getMessage()
          + (e.getMessage().contains(AleHome.FIX) ? "" : " (" + AleHome.FIX + ")");
      LOG.error(message);
      throw new IllegalStateException(message, e);
    }
  }

  @Produces
  @Singleton
  SessionWorkers sessionWorkers(SessionConfig config) {
    int threads = config.workers().orElse(Runtime.getRuntime().availableProcessors());
    if (threads < 1) {
      throw startFailure("dqn.env.sessions.workers must be at least 1, got " + threads);
    }
    return new SessionWorkers(
        Executors.newFixedThreadPool(Math.max(1, threads - 1), daemon("session-worker")), threads);
  }

  void stopSessionWorkers(@Disposes SessionWorkers workers) {
    workers.pool().shutdownNow();
  }

  @Produces
  @Singleton
  @Startup
  SessionManager sessions(GameCatalogue catalogue, SessionConfig config, SessionWorkers workers) {
    SessionLimits limits;
    try {
      limits = new SessionLimits(config.max(), config.idleTimeout());
    } catch (IllegalArgumentException e) {
      throw startFailure("dqn.env.sessions: " + e.getMessage());
    }
    LOG.infof(
        "sessions: at most %d, closed after %s idle, %d stepping threads",
        limits.maxSessions(), limits.idleTimeout(), workers.parallelism());
    return new SessionManager(
        catalogue, limits, workers.pool(), workers.parallelism(), System::nanoTime);
  }

  void closeSessions(@Disposes SessionManager sessions) {
    sessions.close();
  }

  @Produces
  @Singleton
  ConfiguredActors configuredActors(ActorConfig config) {
    try {
      ConfiguredActors configured = ConfiguredActors.from(config);
      LOG.infof(
          "actors (configured%s): %s; inference-service %s, replay-service %s",
          config.autostart() ? ", autostart" : "", configured.settings(), config.inferenceTarget(), config.replayTarget());
      return configured;
    } catch (IllegalArgumentException e) {
      throw startFailure(e.getMessage());
    }
  }

  @Produces
  @Singleton
  GrpcConnections actorConnections(ActorConfig config) {
    return new GrpcConnections(config);
  }

  void closeActorConnections(@Disposes GrpcConnections connections) {
    connections.close();
  }

  @Produces
  @Singleton
  ActorPool actors(SessionManager sessions, GrpcConnections connections) {
    return new ActorPool(sessions, connections);
  }

  void stopActors(@Disposes ActorPool actors) throws InterruptedException {
    actors.close();
  }

  /**
   * Binds the metrics, then, with autostart, starts the configured actors (they wait for the
   * others), so that the return histogram sees every game.
   */
  void onStart(
      @Observes StartupEvent started,
      ActorConfig config,
      ActorPool actors,
      ConfiguredActors configured,
      SessionManager sessions,
      PrometheusMeterRegistry metrics) {
    new EnvMetrics(actors, sessions).bindTo(metrics);
    if (config.autostart()) {
      actors.start(configured.settings());
    }
  }

  private static GameCatalogue openCatalogue(AleConfig config) {
    Path root =
        config
            .aleHome()
            .filter(home -> !home.isBlank())
            .map(Path::of)
            .or(() -> AleHome.discover(Path.of(System.getProperty("user.dir"))))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no ALE folder: dqn.env.ale-home and DQN_ALE_HOME are unset and there is"
                            + " no .cache/ale above " + System.getProperty("user.dir") + "; "
                            + AleHome.FIX));
    AleHome home = AleHome.at(root);
    if (config.romDirectory().filter(dir -> !dir.isBlank()).isPresent()) {
      home = home.withRomDirectory(Path.of(config.romDirectory().get()));
    }
    NativeLoader.load(home, config.pythonLibrary());
    GameCatalogue catalogue = GameCatalogue.scan(home.romDirectory());
    // A folder without a supported ROM is a wrong setting, though the built-in games would play.
    if (catalogue.romCount() == 0) {
      throw new IllegalStateException(
          "no ROM in " + home.romDirectory() + " is one ALE supports (dqn.env.rom-directory)");
    }
    LOG.infof(
        "ALE library %s; %d games in %s and %d built in", home.library(), catalogue.romCount(),
        home.romDirectory(), catalogue.size() - catalogue.romCount());
    if (config.catalogueWarmUp()) {
      Thread warmUp = new Thread(catalogue::warmUp, "game-catalogue-warm-up");
      warmUp.setDaemon(true);
      warmUp.setPriority(Thread.MIN_PRIORITY);
      warmUp.start();
    }
    return catalogue;
  }

  private static IllegalStateException startFailure(String message) {
    LOG.error("env-service cannot start: " + message);
    return new IllegalStateException(message);
  }

  static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
