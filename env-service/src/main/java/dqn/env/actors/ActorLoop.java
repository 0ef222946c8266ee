package dqn.env.actors;

import dqn.env.preprocess.StepOutcome;
import dqn.env.session.Session;
import dqn.env.session.SessionManager;
import dqn.env.session.StepCommand;
import dqn.env.session.StepResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jboss.logging.Logger;

/**
 * One actor: its sessions stepped together, their observations sent in one request for greedy
 * actions, epsilon-greedy choices made here, and every step streamed to the replay. While the
 * action source is unreachable it pauses with {@link #problem()} set and retries with backoff;
 * before a model is live it acts uniformly at random.
 */
final class ActorLoop implements Runnable {

  private static final Logger LOG = Logger.getLogger(ActorLoop.class);
  private static final long BACKOFF_INITIAL_MS = 200;
  private static final long BACKOFF_MAX_MS = 5_000;

  private final int index;
  private final int firstSession;
  private final int totalSessions;
  private final List<Session> sessions;
  private final List<String> streams;
  private final SessionManager manager;
  private final ActionSource policy;
  private final StepSink sink;
  private final Exploration exploration;
  private final AtomicLong globalFrames;
  private final EpisodeLog episodes;
  private final SplittableRandom random;
  private final int frameSkip;
  private final int observationBytes;
  private final int frameBytes;
  private final long[] observationShape;

  private final double[] clippedSums;
  // The game in progress of each session, read by watchers on other threads: raw return (as
  // double bits) and agent steps so far.
  private final AtomicLongArray returnBits;
  private final AtomicLongArray steps;
  private volatile boolean running = true;
  private volatile String problem = "";
  private volatile long modelVersion;
  private volatile long inferenceWaitNanos;

  ActorLoop(
      int index,
      int firstSession,
      int totalSessions,
      List<Session> sessions,
      List<String> streams,
      SessionManager manager,
      ActionSource policy,
      StepSink sink,
      Exploration exploration,
      AtomicLong globalFrames,
      EpisodeLog episodes,
      long seed) {
    this.index = index;
    this.firstSession = firstSession;
    this.totalSessions = totalSessions;
    this.sessions = sessions;
    this.streams = streams;
    this.manager = manager;
    this.policy = policy;
    this.sink = sink;
    this.exploration = exploration;
    this.globalFrames = globalFrames;
    this.episodes = episodes;
    this.random = new SplittableRandom(seed);
    Session first = sessions.get(0);
    this.frameSkip = first.options().frameSkip();
    this.observationBytes = first.options().observationBytes();
    this.frameBytes = first.options().frameBytes();
    this.observationShape = first.observationShape();
    this.clippedSums = new double[sessions.size()];
    this.returnBits = new AtomicLongArray(sessions.size());
    this.steps = new AtomicLongArray(sessions.size());
  }

  @Override
  public void run() {
    int b = sessions.size();
    byte[] batch = new byte[b * observationBytes];
    int[] actions = new int[b];
    int actionCount = sessions.get(0).actions().size();
    try {
      for (int i = 0; i < b; i++) {
        byte[] observation = sessions.get(i).observation();
        System.arraycopy(observation, 0, batch, i * observationBytes, observationBytes);
        sink.append(streams.get(i), true, 0, 0f, false, false, latestFrame(observation));
      }
      long backoffMs = BACKOFF_INITIAL_MS;
      while (running) {
        ActionSource.Choice choice;
        long asked = System.nanoTime();
        try {
          choice = policy.choose(batch, b, observationShape);
          inferenceWaitNanos += System.nanoTime() - asked;
          backoffMs = BACKOFF_INITIAL_MS;
          problem = sink.problem();
        } catch (ActionSource.SourceUnavailableException e) {
          inferenceWaitNanos += System.nanoTime() - asked;
          problem = e.getMessage() + "; retrying in " + backoffMs + " ms";
          LOG.warnf("actor %d: %s", index, problem);
          Thread.sleep(backoffMs);
          backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
          continue;
        }
        long frames = globalFrames.get();
        modelVersion = choice == null ? 0 : choice.modelVersion();
        List<StepCommand> commands = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
          double epsilon = exploration.epsilon(firstSession + i, totalSessions, frames);
          boolean explore = choice == null || random.nextDouble() < epsilon;
          actions[i] = explore ? random.nextInt(actionCount) : choice.greedyActions()[i];
          commands.add(new StepCommand(sessions.get(i).id(), actions[i], true));
        }
        List<StepResult> results = manager.step(commands);
        long framesNow = globalFrames.addAndGet((long) b * frameSkip);
        for (int i = 0; i < b; i++) {
          record(i, actions[i], results.get(i), framesNow, batch);
        }
        problem = sink.problem();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      problem = "actor " + index + " stopped: " + e.getMessage();
      LOG.error(problem, e);
    }
  }

  /** Streams one session's step (and the next episode's start), and counts a finished game. */
  private void record(int i, int action, StepResult result, long framesNow, byte[] batch)
      throws InterruptedException {
    StepOutcome outcome = result.outcome();
    clippedSums[i] += outcome.clippedReward();
    returnBits.lazySet(i, Double.doubleToRawLongBits(Double.longBitsToDouble(returnBits.get(i)) + outcome.reward()));
    steps.lazySet(i, steps.get(i) + 1);
    sink.append(
        streams.get(i),
        false,
        action,
        outcome.reward(),
        outcome.terminated(),
        outcome.truncated(),
        latestFrame(result.observation()));
    if (outcome.episode() != null) {
      episodes.record(
          framesNow,
          outcome.episode().episodeReturn(),
          clippedSums[i],
          outcome.episode().steps(),
          outcome.episode().frames(),
          index,
          modelVersion);
      clippedSums[i] = 0;
      returnBits.lazySet(i, Double.doubleToRawLongBits(0));
      steps.lazySet(i, 0);
    }
    byte[] next = result.observation();
    if (result.resetObservation() != null) {
      next = result.resetObservation();
      sink.append(streams.get(i), true, 0, 0f, false, false, latestFrame(next));
    }
    System.arraycopy(next, 0, batch, i * observationBytes, observationBytes);
  }

  private byte[] latestFrame(byte[] observation) {
    return Arrays.copyOfRange(observation, observationBytes - frameBytes, observationBytes);
  }

  void stop() {
    running = false;
  }

  int index() {
    return index;
  }

  /**
   * The loop's own problem, else the action source's, else the replay writer's (it retries inside
   * append, where the loop waits).
   */
  String problem() {
    String own = problem;
    if (!own.isEmpty()) {
      return own;
    }
    String source = policy.problem();
    return source.isEmpty() ? sink.problem() : source;
  }

  long modelVersion() {
    return modelVersion;
  }

  /** Raw return so far of the game session {@code i} is playing. */
  double episodeReturn(int i) {
    return Double.longBitsToDouble(returnBits.get(i));
  }

  /** Agent steps so far of the game session {@code i} is playing. */
  long episodeSteps(int i) {
    return steps.get(i);
  }

  long inferenceWaitNanos() {
    return inferenceWaitNanos;
  }

  long replayWaitNanos() {
    return sink.waitNanos();
  }

  StepSink sink() {
    return sink;
  }

  ActionSource policy() {
    return policy;
  }

  List<Session> sessions() {
    return sessions;
  }
}
