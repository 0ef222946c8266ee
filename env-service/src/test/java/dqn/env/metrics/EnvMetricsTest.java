package dqn.env.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import dqn.env.actors.ActionSource;
import dqn.env.actors.ActorPool;
import dqn.env.actors.ActorSettings;
import dqn.env.actors.ActorStatusView;
import dqn.env.actors.Exploration;
import dqn.env.actors.FinishedGame;
import dqn.env.actors.StepSink;
import dqn.env.games.GameCatalogue;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.session.SessionLimits;
import dqn.env.session.SessionManager;
import dqn.testkit.PrometheusText;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The env-service's Prometheus names and values over real actors playing catch. */
class EnvMetricsTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());
  /** What the fake writer says each actor waited for the replay. */
  private static final long REPLAY_WAIT_NANOS = 2_000_000_000L;

  private final ExecutorService workers = Executors.newFixedThreadPool(1);
  private final SessionManager manager =
      new SessionManager(CATALOGUE, new SessionLimits(16, Duration.ofMinutes(5)), workers, 2, System::nanoTime);
  private final AtomicInteger asked = new AtomicInteger();

  /** Random actions for the first calls, then model version 5, after a millisecond each time. */
  private final ActorPool.Connections connections =
      new ActorPool.Connections() {
        @Override
        public ActionSource actionSource(String model) {
          return new ActionSource() {
            @Override
            public Choice choose(byte[] observations, int rows, long[] shape) {
              try {
                Thread.sleep(1);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (asked.incrementAndGet() <= 10) {
                return null;
              }
              int[] greedy = new int[rows];
              Arrays.fill(greedy, 1);
              return new Choice(greedy, 5);
            }

            @Override
            public void close() {}
          };
        }

        @Override
        public StepSink stepSink() {
          return new StepSink() {
            @Override
            public void append(String stream, boolean start, int action, float reward, boolean terminated, boolean truncated, byte[] frame) {}

            @Override
            public String problem() {
              return "";
            }

            @Override
            public long waitNanos() {
              return REPLAY_WAIT_NANOS;
            }

            @Override
            public long ackedSteps() {
              return 0;
            }

            @Override
            public void close() {}
          };
        }
      };

  @AfterEach
  void tearDown() {
    manager.close();
    workers.shutdownNow();
  }

  private static ActorSettings catchPlayers(long startFrames, long startEpisodes) {
    return new ActorSettings(
        "catch", 1, 3, 9, PreprocessOptions.DEFAULTS, "catch", new Exploration.Linear(1.0, 0.1, 2_000),
        "actor", startFrames, startEpisodes);
  }

  @Test
  void actorsSessionsFramesGamesReturnsAndWaitsAreExported() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ActorPool pool = new ActorPool(manager, connections);
    new EnvMetrics(pool, manager).bindTo(registry);
    manager.create("catch", OptionalLong.of(1), PreprocessOptions.DEFAULTS, false); // a client's own
    PrometheusText idle = PrometheusText.parse(registry.scrape());
    assertEquals(1, idle.value("dqn_env_sessions"));
    assertEquals(0, idle.value("dqn_env_actors"));
    assertEquals(0, idle.value("dqn_env_actor_frames_total"));

    pool.start(catchPlayers(100, 5));
    PrometheusText playing = PrometheusText.parse(registry.scrape());
    assertEquals(1, playing.value("dqn_env_actors"));
    assertEquals(3, playing.value("dqn_env_actor_sessions"));
    assertEquals(4, playing.value("dqn_env_sessions"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((pool.status().episodes() < 5 + 30 || pool.status().modelVersion() != 5) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    ActorStatusView stopped = pool.stop();
    List<FinishedGame> games = pool.gamesAfter(5);

    PrometheusText after = PrometheusText.parse(registry.scrape());
    assertTrue(games.size() >= 30, "games played: " + games.size());
    assertEquals(0, after.value("dqn_env_actors"));
    assertEquals(0, after.value("dqn_env_actor_sessions"));
    assertEquals(1, after.value("dqn_env_sessions"));
    assertEquals(stopped.frames(), after.value("dqn_env_actor_frames_total"));
    assertTrue(stopped.frames() > 100);
    assertEquals(stopped.episodes(), after.value("dqn_env_actor_episodes_total"));
    assertEquals(5 + games.size(), stopped.episodes());
    assertEquals(stopped.meanReturn(), after.value("dqn_env_actor_episode_return_mean"), 1e-12);
    assertEquals(stopped.epsilon(), after.value("dqn_env_actor_epsilon"), 1e-12);
    assertEquals(5, after.value("dqn_env_actor_model_version"));
    assertEquals(REPLAY_WAIT_NANOS / 1e9, after.value("dqn_env_actor_replay_wait_seconds_total"), 1e-9);
    double inferenceWait = after.value("dqn_env_actor_inference_wait_seconds_total");
    assertTrue(inferenceWait > 0.001, "waited for actions " + inferenceWait + " s");

    // Catch scores 1 or -1: the histogram holds this start's games, not the 5 before it.
    long losses = games.stream().filter(g -> g.rawReturn() < 0).count();
    double sum = games.stream().mapToDouble(FinishedGame::rawReturn).sum();
    assertEquals(games.size(), after.value("dqn_env_actor_episode_return_count"));
    assertEquals(sum, after.value("dqn_env_actor_episode_return_sum"), 1e-9);
    assertEquals(losses, after.value("dqn_env_actor_episode_return_bucket{le=\"-1.0\"}"));
    assertEquals(losses, after.value("dqn_env_actor_episode_return_bucket{le=\"0.0\"}"));
    assertEquals(games.size(), after.value("dqn_env_actor_episode_return_bucket{le=\"1.0\"}"));

    // A second start continues the wait totals instead of starting them over.
    pool.start(catchPlayers(stopped.frames(), stopped.episodes()));
    pool.stop();
    PrometheusText again = PrometheusText.parse(registry.scrape());
    assertEquals(2 * REPLAY_WAIT_NANOS / 1e9, again.value("dqn_env_actor_replay_wait_seconds_total"), 1e-9);
    assertTrue(again.value("dqn_env_actor_inference_wait_seconds_total") >= inferenceWait);
  }
}
