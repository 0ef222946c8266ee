package dqn.env.session;

import dqn.env.ale.Game;
import dqn.env.games.GameCatalogue;
import dqn.env.preprocess.GameEnv;
import dqn.env.preprocess.PreprocessOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The open sessions of a server: creates, resets, steps (many at once, in parallel on a worker
 * pool) and closes them, within a maximum count, and closes sessions left idle.
 *
 * <p>Plain Java: the gRPC edge and in-process actor loops use it alike.
 */
public final class SessionManager implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SessionManager.class);

  private final GameCatalogue catalogue;
  private final SessionLimits limits;
  private final ExecutorService workers;
  private final int parallelism;
  private final LongSupplier nanoTime;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  // Sessions open or being opened; reserved before the slow ROM load so the limit holds.
  private final AtomicInteger reserved = new AtomicInteger();

  /**
   * @param workers pool that steps sessions of one call in parallel
   * @param parallelism number of worker threads (a call is split into at most this many parts)
   * @param nanoTime clock for idle times
   */
  public SessionManager(
      GameCatalogue catalogue,
      SessionLimits limits,
      ExecutorService workers,
      int parallelism,
      LongSupplier nanoTime) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.catalogue = catalogue;
    this.limits = limits;
    this.workers = workers;
    this.parallelism = parallelism;
    this.nanoTime = nanoTime;
  }

  public GameCatalogue catalogue() {
    return catalogue;
  }

  public SessionLimits limits() {
    return limits;
  }

  /**
   * Opens a session and starts its first episode.
   *
   * @param seed seeds the session's generators; empty picks a random seed
   * @throws UnknownGameException for a game the catalogue lacks
   * @throws SessionLimitException at the maximum number of sessions
   */
  public Session create(
      String game, OptionalLong seed, PreprocessOptions options, boolean latestFrameOnly) {
    Game known =
        catalogue.find(game).orElseThrow(() -> new UnknownGameException(game, catalogue.closest(game, 3)));
    if (reserved.incrementAndGet() > limits.maxSessions()) {
      reserved.decrementAndGet();
      throw new SessionLimitException(limits.maxSessions());
    }
    try {
      long chosenSeed = seed.orElseGet(() -> ThreadLocalRandom.current().nextLong());
      GameEnv env = catalogue.open(known, options, chosenSeed);
      Session session =
          new Session(UUID.randomUUID().toString(), env, latestFrameOnly, nanoTime.getAsLong());
      sessions.put(session.id(), session);
      return session;
    } catch (RuntimeException e) {
      reserved.decrementAndGet();
      throw e;
    }
  }

  /** The open session with this id. */
  public Session get(String sessionId) {
    Session session = sessionId == null ? null : sessions.get(sessionId);
    if (session == null) {
      throw new SessionNotFoundException(sessionId);
    }
    session.touch(nanoTime.getAsLong());
    return session;
  }

  public ResetResult reset(String sessionId, OptionalLong seed) {
    return get(sessionId).reset(seed);
  }

  /**
   * Advances each named session by one step, in parallel; results in command order. The whole
   * batch is checked first (known sessions, each once, actions in range, episodes running), so
   * a bad command fails the call before any session moves.
   */
  public List<StepResult> step(List<StepCommand> commands) {
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("a step needs at least one session action");
    }
    if (commands.size() > limits.maxSessions()) {
      throw new IllegalArgumentException(
          "a step names " + commands.size() + " sessions; at most " + limits.maxSessions()
              + " exist");
    }
    List<Session> targets = new ArrayList<>(commands.size());
    Set<String> seen = new HashSet<>();
    for (StepCommand command : commands) {
      if (!seen.add(command.sessionId())) {
        throw new IllegalArgumentException(
            "session " + command.sessionId() + " appears twice in one step");
      }
      Session session = get(command.sessionId());
      session.checkStep(command.action());
      targets.add(session);
    }
    StepResult[] results = new StepResult[commands.size()];
    int parts = Math.min(parallelism, commands.size());
    List<CompletableFuture<Void>> running = new ArrayList<>(parts - 1);
    for (int part = 1; part < parts; part++) {
      int from = part * commands.size() / parts;
      int to = (part + 1) * commands.size() / parts;
      running.add(
          CompletableFuture.runAsync(() -> stepRange(commands, targets, results, from, to), workers));
    }
    stepRange(commands, targets, results, 0, commands.size() / parts);
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    return List.of(results);
  }

  /** Closes a session and frees its emulator. */
  public void close(String sessionId) {
    Session session = sessionId == null ? null : sessions.remove(sessionId);
    if (session == null) {
      throw new SessionNotFoundException(sessionId);
    }
    closeRemoved(session);
  }

  public int openSessions() {
    return sessions.size();
  }

  /** Closes the sessions unused for longer than the idle timeout; returns how many. */
  public int reapIdle() {
    long now = nanoTime.getAsLong();
    long timeout = limits.idleTimeout().toNanos();
    int reaped = 0;
    for (Session session : sessions.values()) {
      if (now - session.lastUsedNanos() > timeout && sessions.remove(session.id(), session)) {
        closeRemoved(session);
        reaped++;
      }
    }
    if (reaped > 0) {
      LOG.infof("closed %d sessions idle for more than %s", reaped, limits.idleTimeout());
    }
    return reaped;
  }

  /** Closes every session. */
  @Override
  public void close() {
    for (String id : List.copyOf(sessions.keySet())) {
      Session session = sessions.remove(id);
      if (session != null) {
        closeRemoved(session);
      }
    }
  }

  private void closeRemoved(Session session) {
    session.close();
    reserved.decrementAndGet();
  }

  private static void stepRange(
      List<StepCommand> commands, List<Session> targets, StepResult[] results, int from, int to) {
    for (int i = from; i < to; i++) {
      StepCommand command = commands.get(i);
      results[i] = targets.get(i).step(command.action(), command.autoReset());
    }
  }
}
