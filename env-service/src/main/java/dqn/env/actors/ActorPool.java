package dqn.env.actors;

import dqn.env.session.Session;
import dqn.env.session.SessionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The env-service's actor loops: started with settings, stopped (their steps flushed to the
 * replay first), and reported on. At most one pool of actors runs at a time.
 */
public final class ActorPool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ActorPool.class);
  private static final long STOP_WAIT_MS = 10_000;
  private static final long INTERRUPTED_STOP_WAIT_MS = 5_000;
  /** Rates are measured over at least this window, so that a fast poller sees smooth numbers. */
  private static final long RATE_WINDOW_NANOS = 2_000_000_000L;

  /** Opens the connections each actor uses; the gRPC adapters in production, fakes in tests. */
  public interface Connections {
    ActionSource actionSource(String model);

    StepSink stepSink();
  }

  /** Thrown for a start while actors run. */
  public static final class AlreadyRunningException extends IllegalStateException {
    AlreadyRunningException(String game) {
      super("actors are already playing " + game + "; call StopActors first");
    }
  }

  /** Thrown for a watch while no actors run. */
  public static final class NotRunningException extends IllegalStateException {
    NotRunningException() {
      super("no actors are running; StartActors starts them");
    }
  }

  private final SessionManager manager;
  private final Connections connections;

  private Running running;
  private ActorStatusView lastStopped;
  private EpisodeLog stoppedEpisodes;
  private final List<Consumer<FinishedGame>> gameWatchers = new CopyOnWriteArrayList<>();
  // Waits of the pools stopped so far, so that the totals never go back across starts.
  private long stoppedInferenceWaitNanos;
  private long stoppedReplayWaitNanos;

  public ActorPool(SessionManager manager, Connections connections) {
    this.manager = manager;
    this.connections = connections;
  }

  /**
   * Opens every session and starts the actors.
   *
   * @throws AlreadyRunningException while actors run
   * @throws dqn.env.session.UnknownGameException for a game the server lacks
   * @throws dqn.env.session.SessionLimitException when the sessions would pass the server's limit
   */
  public synchronized ActorStatusView start(ActorSettings settings) {
    if (running != null) {
      throw new AlreadyRunningException(running.settings.game());
    }
    List<Session> opened = new ArrayList<>();
    List<ActorLoop> loops = new ArrayList<>();
    AtomicLong frames = new AtomicLong(settings.startFrames());
    EpisodeLog episodes = new EpisodeLog(settings.startEpisodes(), this::announce);
    String startId = Long.toString(System.currentTimeMillis(), 36);
    try {
      for (int a = 0; a < settings.actors(); a++) {
        List<Session> sessions = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        for (int s = 0; s < settings.sessionsPerActor(); s++) {
          int k = a * settings.sessionsPerActor() + s;
          Session session =
              manager.create(settings.game(), OptionalLong.of(settings.seed() + k), settings.options(), false);
          opened.add(session);
          sessions.add(session);
          // A new id per start: a persistent replay still holds the streams of earlier starts.
          streams.add(settings.streamPrefix() + "-" + k + "-" + startId);
        }
        loops.add(
            new ActorLoop(
                a,
                a * settings.sessionsPerActor(),
                settings.sessions(),
                sessions,
                streams,
                manager,
                connections.actionSource(settings.model()),
                connections.stepSink(),
                settings.exploration(),
                frames,
                episodes,
                settings.seed() * 1_000_003L + a));
      }
    } catch (RuntimeException e) {
      loops.forEach(ActorPool::closeConnections);
      opened.forEach(session -> closeQuietly(session.id()));
      throw e;
    }
    List<Thread> threads = new ArrayList<>();
    for (ActorLoop loop : loops) {
      Thread thread = new Thread(loop, "actor-" + loop.index());
      thread.setDaemon(true);
      threads.add(thread);
    }
    running = new Running(settings, loops, threads, frames, episodes);
    threads.forEach(Thread::start);
    LOG.infof(
        "actors: %d x %d sessions of %s, model %s, %s, from frame %d (game %d)",
        settings.actors(), settings.sessionsPerActor(), settings.game(), settings.model(),
        settings.exploration(), settings.startFrames(), settings.startEpisodes());
    return status();
  }

  /** Stops the actors after their current step, sends their steps to the replay, closes sessions. */
  public synchronized ActorStatusView stop() throws InterruptedException {
    if (running == null) {
      return status();
    }
    Running stopping = running;
    stopping.loops.forEach(ActorLoop::stop);
    // One wait for all, then one interrupt for all still waiting on a service that does not answer:
    // the stop takes about as long with many actors as with one.
    joinAll(stopping.threads, STOP_WAIT_MS);
    stopping.threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    joinAll(stopping.threads, INTERRUPTED_STOP_WAIT_MS);
    lastStopped = status();
    stoppedEpisodes = stopping.episodes;
    for (ActorLoop loop : stopping.loops) {
      stoppedInferenceWaitNanos += loop.inferenceWaitNanos();
      stoppedReplayWaitNanos += loop.replayWaitNanos();
    }
    running = null;
    // The writers flush together: each may wait its whole flush timeout for an unreachable replay.
    List<Thread> closing = new ArrayList<>();
    for (ActorLoop loop : stopping.loops) {
      Thread close = new Thread(() -> closeConnections(loop), "actor-" + loop.index() + "-close");
      close.start();
      closing.add(close);
    }
    joinAll(closing, 0);
    long acked = 0;
    for (ActorLoop loop : stopping.loops) {
      acked += loop.sink().ackedSteps();
      loop.sessions().forEach(session -> closeQuietly(session.id()));
    }
    // Counted after closing, which waits for the acknowledgements of what was still held.
    lastStopped = lastStopped.stopped(acked);
    LOG.infof("actors stopped at frame %d (game %d)", lastStopped.frames(), lastStopped.episodes());
    return lastStopped;
  }

  /** Where the actors stand (or stood, when they were stopped). */
  public synchronized ActorStatusView status() {
    if (running == null) {
      return lastStopped != null
          ? lastStopped
          : ActorStatusView.NEVER_STARTED;
    }
    Running r = running;
    long now = System.nanoTime();
    long frames = r.frames.get();
    long inferenceWait = 0;
    long replayWait = 0;
    long acked = 0;
    long oldestVersion = Long.MAX_VALUE;
    String problem = "";
    for (ActorLoop loop : r.loops) {
      acked += loop.sink().ackedSteps();
      inferenceWait += loop.inferenceWaitNanos();
      replayWait += loop.replayWaitNanos();
      oldestVersion = Math.min(oldestVersion, loop.modelVersion());
      if (problem.isEmpty()) {
        problem = loop.problem();
      }
    }
    r.sample(now, frames, inferenceWait, replayWait);
    return new ActorStatusView(
        true,
        r.settings.game(),
        r.settings.actors(),
        r.settings.sessions(),
        frames,
        r.episodes.count(),
        r.framesPerSecond,
        r.episodes.meanRawReturn(),
        r.episodes.meanClippedReturn(),
        r.settings.exploration().reported(r.settings.sessions(), frames),
        oldestVersion,
        problem,
        r.inferenceWaitFraction,
        r.replayWaitFraction,
        acked);
  }

  /**
   * A view of one running actor session, for watching it play.
   *
   * @throws IllegalStateException while no actors run
   * @throws IllegalArgumentException for an actor or session outside the running ones
   */
  public synchronized ActorWatch watch(int actor, int session) {
    if (running == null) {
      throw new NotRunningException();
    }
    Running r = running;
    if (actor < 0 || actor >= r.loops.size()) {
      throw new IllegalArgumentException(
          "actor " + actor + " is outside the running actors (0.." + (r.loops.size() - 1) + ")");
    }
    int sessions = r.settings.sessionsPerActor();
    if (session < 0 || session >= sessions) {
      throw new IllegalArgumentException(
          "session " + session + " is outside each actor's sessions (0.." + (sessions - 1) + ")");
    }
    return new ActorWatch(this, r, r.loops.get(actor), session, r.frames);
  }

  synchronized boolean isRunning(Object started) {
    return running == started;
  }

  /**
   * Actor time spent waiting for the inference-service's actions since the service started, summed
   * over the actors (so up to the number of actors seconds per second).
   */
  public synchronized long inferenceWaitNanos() {
    long total = stoppedInferenceWaitNanos;
    if (running != null) {
      for (ActorLoop loop : running.loops) {
        total += loop.inferenceWaitNanos();
      }
    }
    return total;
  }

  /** Actor time spent waiting for the replay's writer since the service started, summed over the actors. */
  public synchronized long replayWaitNanos() {
    long total = stoppedReplayWaitNanos;
    if (running != null) {
      for (ActorLoop loop : running.loops) {
        total += loop.replayWaitNanos();
      }
    }
    return total;
  }

  /** Calls {@code watcher} with every game the actors finish from now on, on the actor's thread. */
  public void watchGames(Consumer<FinishedGame> watcher) {
    gameWatchers.add(watcher);
  }

  private void announce(FinishedGame game) {
    for (Consumer<FinishedGame> watcher : gameWatchers) {
      watcher.accept(game);
    }
  }

  /** The finished games with an index greater than {@code after} (the most recent kept ones). */
  public synchronized List<FinishedGame> gamesAfter(long after) {
    EpisodeLog log = running != null ? running.episodes : stoppedEpisodes;
    return log == null ? List.of() : log.after(after);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** Waits for every thread until the shared deadline ({@code waitMs} from now; 0: no deadline). */
  private static void joinAll(List<Thread> threads, long waitMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    for (Thread thread : threads) {
      if (waitMs == 0) {
        thread.join();
      } else {
        thread.join(Math.max(1, deadline - System.currentTimeMillis()));
      }
    }
  }

  private static void closeConnections(ActorLoop loop) {
    try {
      loop.sink().close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warnf("actor %d: the replay writer did not close cleanly: %s", loop.index(), e.getMessage());
    }
    loop.policy().close();
  }

  private void closeQuietly(String sessionId) {
    try {
      manager.close(sessionId);
    } catch (RuntimeException alreadyClosed) {
      // Closed by the idle reaper or a client; nothing left to free.
    }
  }

  /** A started pool and its rate window. */
  private static final class Running {
    final ActorSettings settings;
    final List<ActorLoop> loops;
    final List<Thread> threads;
    final AtomicLong frames;
    final EpisodeLog episodes;
    long sampleNanos = System.nanoTime();
    long sampleFrames;
    long sampleInferenceWait;
    long sampleReplayWait;
    double framesPerSecond;
    double inferenceWaitFraction;
    double replayWaitFraction;

    Running(ActorSettings settings, List<ActorLoop> loops, List<Thread> threads, AtomicLong frames, EpisodeLog episodes) {
      this.settings = settings;
      this.loops = loops;
      this.threads = threads;
      this.frames = frames;
      this.episodes = episodes;
      this.sampleFrames = frames.get();
    }

    void sample(long now, long frames, long inferenceWait, long replayWait) {
      long elapsed = now - sampleNanos;
      if (elapsed < RATE_WINDOW_NANOS) {
        return;
      }
      double actorNanos = (double) elapsed * loops.size();
      framesPerSecond = (frames - sampleFrames) * 1e9 / elapsed;
      inferenceWaitFraction = Math.min(1, (inferenceWait - sampleInferenceWait) / actorNanos);
      replayWaitFraction = Math.min(1, (replayWait - sampleReplayWait) / actorNanos);
      sampleNanos = now;
      sampleFrames = frames;
      sampleInferenceWait = inferenceWait;
      sampleReplayWait = replayWait;
    }
  }
}
