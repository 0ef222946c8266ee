package dqn.env.metrics;

import dqn.env.actors.ActorPool;
import dqn.env.actors.ActorStatusView;
import dqn.env.session.SessionManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Histogram;

/**
 * The env-service's meters, {@code dqn.env.*} (Prometheus {@code dqn_env_*}; docs/metrics.md,
 * Prometheus metrics, lists them). Everything but the return histogram is read from the actors and
 * sessions when scraped; the histogram takes each finished game (not each step).
 *
 * <p>The histogram is a Prometheus client one on the registry's collector registry because
 * Micrometer's distribution summaries drop negative values, and game scores are negative (Pong
 * -21..21, catch -1 or 1). Waits are exported as seconds summed over the actors, so that rates
 * are right for any scrape interval and add up over replicas: {@code
 * rate(dqn_env_actor_inference_wait_seconds_total[1m]) / dqn_env_actors} is the share of the
 * actors' time spent waiting for actions.
 */
public final class EnvMetrics {

  /** Bucket bounds of the return histogram: 1-2-5 steps either side of 0, up to 10^4 points. */
  static final double[] RETURN_BUCKETS = {
    -10_000, -5_000, -2_000, -1_000, -500, -200, -100, -50, -20, -10, -5, -2, -1, 0,
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000
  };

  private static final double NANOS_PER_SECOND = 1e9;

  private final ActorPool actors;
  private final SessionManager sessions;

  public EnvMetrics(ActorPool actors, SessionManager sessions) {
    this.actors = actors;
    this.sessions = sessions;
  }

  public void bindTo(PrometheusMeterRegistry registry) {
    Gauge.builder("dqn.env.sessions", sessions, SessionManager::openSessions)
        .baseUnit("sessions")
        .description("sessions open on the server, the actors' and those of other clients")
        .register(registry);
    Gauge.builder("dqn.env.actors", actors, EnvMetrics::actorsPlaying)
        .description("actor loops playing now")
        .register(registry);
    Gauge.builder("dqn.env.actor.sessions", actors, EnvMetrics::sessionsPlaying)
        .baseUnit("sessions")
        .description("sessions the actors play now")
        .register(registry);
    FunctionCounter.builder("dqn.env.actor.frames", actors, a -> a.status().frames())
        .description("emulator frames the actors played, counting those before a resume")
        .register(registry);
    Gauge.builder("dqn.env.actor.frames.per.second", actors, a -> a.status().framesPerSecond())
        .description("emulator frames per second of all actors over the last few seconds")
        .register(registry);
    FunctionCounter.builder("dqn.env.actor.episodes", actors, a -> a.status().episodes())
        .description("games the actors finished, counting those before a resume")
        .register(registry);
    Gauge.builder("dqn.env.actor.episode.return.mean", actors, a -> a.status().meanReturn())
        .description("mean raw return (game score) of the last 100 games; NaN before the first")
        .register(registry);
    Gauge.builder("dqn.env.actor.epsilon", actors, a -> a.status().epsilon())
        .description("exploration epsilon of the actors (Ape-X: the largest)")
        .register(registry);
    Gauge.builder("dqn.env.actor.model.version", actors, a -> a.status().modelVersion())
        .description("oldest model version an actor acts with; 0 while some act at random")
        .register(registry);
    FunctionCounter.builder("dqn.env.actor.inference.wait", actors, a -> a.inferenceWaitNanos() / NANOS_PER_SECOND)
        .baseUnit("seconds")
        .description("time the actors waited for actions from the inference-service, summed over the actors")
        .register(registry);
    FunctionCounter.builder("dqn.env.actor.replay.wait", actors, a -> a.replayWaitNanos() / NANOS_PER_SECOND)
        .baseUnit("seconds")
        .description("time the actors waited for the replay-service's writer, summed over the actors")
        .register(registry);

    Histogram returns =
        Histogram.build()
            .name("dqn_env_actor_episode_return")
            .help("raw return (game score) of each game the actors finished since the service started")
            .buckets(RETURN_BUCKETS)
            .register(registry.getPrometheusRegistry());
    actors.watchGames(game -> returns.observe(game.rawReturn()));
  }

  // A stopped pool's status still names how many it had: they count only while they play.
  private static int actorsPlaying(ActorPool pool) {
    ActorStatusView s = pool.status();
    return s.running() ? s.actors() : 0;
  }

  private static int sessionsPlaying(ActorPool pool) {
    ActorStatusView s = pool.status();
    return s.running() ? s.sessions() : 0;
  }
}
