package dqn.env.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import dqn.env.games.GameCatalogue;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.session.SessionLimits;
import dqn.env.session.SessionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Actor loops on real ALE sessions, with a scripted action source and a recording sink. */
class ActorPoolTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());

  private final ExecutorService workers = Executors.newFixedThreadPool(1);
  private final SessionManager manager =
      new SessionManager(CATALOGUE, new SessionLimits(16, Duration.ofMinutes(5)), workers, 2, System::nanoTime);

  /** Steps per stream, as the replay would receive them. */
  record Step(boolean episodeStart, int action, boolean terminated, boolean truncated, int frameBytes) {}

  final Map<String, List<Step>> streams = new ConcurrentHashMap<>();
  final AtomicInteger sinksClosed = new AtomicInteger();
  final AtomicInteger asked = new AtomicInteger();
  final AtomicBoolean unavailable = new AtomicBoolean();
  /** How long each sink's close waits, as a writer flushing to an unreachable replay does. */
  final AtomicLong closeMillis = new AtomicLong();

  final ActorPool.Connections connections =
      new ActorPool.Connections() {
        @Override
        public ActionSource actionSource(String model) {
          return new ActionSource() {
            @Override
            public Choice choose(byte[] observations, int rows, long[] shape) throws SourceUnavailableException {
              if (unavailable.get()) {
                throw new SourceUnavailableException("inference down", null);
              }
              // No model live for the first calls, then version 7 always picks action 2.
              if (asked.incrementAndGet() <= 4) {
                return null;
              }
              int[] greedy = new int[rows];
              java.util.Arrays.fill(greedy, 2);
              return new Choice(greedy, 7);
            }

            @Override
            public void close() {}
          };
        }

        @Override
        public StepSink stepSink() {
          return new StepSink() {
            // This fake stores each step as it comes: every step is acknowledged at once.
            private final AtomicLong acked = new AtomicLong();

            @Override
            public void append(String stream, boolean start, int action, float reward, boolean terminated, boolean truncated, byte[] frame) {
              streams.computeIfAbsent(stream, k -> Collections.synchronizedList(new ArrayList<>()))
                  .add(new Step(start, action, terminated, truncated, frame.length));
              acked.incrementAndGet();
            }

            @Override
            public long ackedSteps() {
              return acked.get();
            }

            @Override
            public String problem() {
              return "";
            }

            @Override
            public long waitNanos() {
              return 0;
            }

            @Override
            public void close() throws InterruptedException {
              Thread.sleep(closeMillis.get());
              sinksClosed.incrementAndGet();
            }
          };
        }
      };

  @AfterEach
  void tearDown() throws Exception {
    manager.close();
    workers.shutdownNow();
  }

  private static ActorSettings settings(Exploration exploration, long startFrames) {
    return new ActorSettings(
        "pong", 2, 2, 5, PreprocessOptions.DEFAULTS, "pong", exploration, "actor", startFrames, 3);
  }

  @Test
  void actorsStreamEveryStepCountGlobalFramesAndSwitchToTheLiveModel() throws Exception {
    ActorPool pool = new ActorPool(manager, connections);
    pool.start(settings(new Exploration.Linear(0, 0, 1), 1_000));
    assertThrows(ActorPool.AlreadyRunningException.class, () -> pool.start(settings(new Exploration.ApeX(), 0)));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (pool.status().modelVersion() != 7 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(200);
    ActorStatusView stopped = pool.stop();

    assertFalse(stopped.running());
    assertEquals(7, stopped.modelVersion());
    assertEquals(4, stopped.sessions());
    assertEquals(2, sinksClosed.get());
    assertEquals(0, manager.openSessions());
    assertEquals(4, streams.size());
    long agentSteps = 0;
    long allSteps = streams.values().stream().mapToLong(List::size).sum();
    assertEquals(allSteps, stopped.acknowledgedSteps(), "every step the replay acknowledged, starts included");
    for (List<Step> steps : streams.values()) {
      assertTrue(steps.get(0).episodeStart(), "a stream's first step starts an episode");
      assertEquals(84 * 84, steps.get(0).frameBytes());
      agentSteps += steps.stream().filter(s -> !s.episodeStart()).count();
      // With epsilon 0, every step after the model went live plays its greedy action.
      assertEquals(2, steps.get(steps.size() - 1).action());
    }
    assertEquals(1_000 + 4 * agentSteps, stopped.frames());
    assertEquals(3, stopped.episodes(), "no Pong game ends this fast; the count starts at 3");
  }

  @Test
  void aWatchedSessionShowsTheScreenAndScoreOfTheGameInPlayUntilTheActorsStop() throws Exception {
    ActorPool pool = new ActorPool(manager, connections);
    assertThrows(ActorPool.NotRunningException.class, () -> pool.watch(0, 0));
    pool.start(settings(new Exploration.Linear(1, 1, 1), 0));
    assertThrows(IllegalArgumentException.class, () -> pool.watch(2, 0));
    assertThrows(IllegalArgumentException.class, () -> pool.watch(0, -1));
    ActorWatch watch = pool.watch(1, 1);
    ActorWatch.Frame first = watch.frame();
    Thread.sleep(300);
    ActorWatch.Frame later = watch.frame();

    assertEquals(1, later.actor());
    assertEquals(1, later.session());
    assertEquals(210 * 160 * 3, later.rgb().length);
    // A Pong game lasts thousands of steps: the same game, played on.
    assertTrue(later.episodeSteps() > first.episodeSteps(), first.episodeSteps() + " then " + later.episodeSteps());
    assertTrue(later.frames() > first.frames());
    assertFalse(java.util.Arrays.equals(first.rgb(), later.rgb()), "the screen moves");
    assertTrue(later.episodeReturn() <= 21 && later.episodeReturn() >= -21, "a Pong score: " + later.episodeReturn());
    assertTrue(watch.playing());

    pool.stop();
    assertFalse(watch.playing(), "a watch ends with the actors it was taken from");
    pool.start(settings(new Exploration.Linear(1, 1, 1), 0));
    assertFalse(watch.playing(), "and does not follow a later start");
    pool.stop();
  }

  @Test
  void anUnreachableSourcePausesTheActorsWithTheProblemNamed() throws Exception {
    unavailable.set(true);
    ActorPool pool = new ActorPool(manager, connections);
    pool.start(settings(new Exploration.ApeX(), 0));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pool.status().problem().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    ActorStatusView paused = pool.status();
    assertTrue(paused.problem().contains("inference down"), paused.problem());
    assertEquals(0, paused.frames());
    unavailable.set(false);
    while (pool.status().frames() == 0 && System.nanoTime() < deadline + 10_000_000_000L) {
      Thread.sleep(20);
    }
    assertTrue(pool.status().frames() > 0, "the actors resume once the source answers");
    pool.stop();
  }

  @Test
  void theWritersOfAllActorsFlushTogetherWhenTheyStop() throws Exception {
    ActorPool pool = new ActorPool(manager, connections);
    pool.start(
        new ActorSettings(
            "pong", 4, 2, 5, PreprocessOptions.DEFAULTS, "pong", new Exploration.ApeX(), "actor", 0, 0));
    closeMillis.set(1_500);
    long started = System.nanoTime();
    pool.stop();
    long stopMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(4, sinksClosed.get());
    // One after the other, four writers would take 6 s.
    assertTrue(stopMillis < 4_000, "stopping took " + stopMillis + " ms");
  }

  @Test
  void epsilonIsLinearInGlobalFramesOrFixedPerSessionAsInApeX() {
    Exploration.Linear linear = new Exploration.Linear(1.0, 0.1, 1_000);
    assertEquals(1.0, linear.epsilon(0, 4, 0), 1e-12);
    assertEquals(0.55, linear.epsilon(3, 4, 500), 1e-12);
    assertEquals(0.1, linear.epsilon(0, 4, 5_000), 1e-12);
    Exploration.ApeX apeX = new Exploration.ApeX();
    assertEquals(0.4, apeX.epsilon(0, 8, 0), 1e-12);
    assertEquals(Math.pow(0.4, 8), apeX.epsilon(7, 8, 123), 1e-12);
    assertEquals(0.4, apeX.epsilon(0, 1, 0), 1e-12);
  }

  @Test
  void theEpisodeLogKeepsIndicesAcrossResumesAndMeansTheLast100() {
    List<Long> told = new ArrayList<>();
    EpisodeLog log = new EpisodeLog(10, game -> told.add(game.index()));
    for (int i = 0; i < 150; i++) {
      log.record(i, i, Math.signum(i), 5, 20, 0, 1);
    }
    assertEquals(160, log.count());
    assertEquals(150, told.size());
    assertEquals(11, told.get(0));
    assertEquals(99.5, log.meanRawReturn(), 1e-9);
    assertEquals(3, log.after(157).size());
    assertEquals(158, log.after(157).get(0).index());
  }
}
