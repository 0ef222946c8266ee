package dqn.learner.dqn;

import dqn.client.replay.ReplayInfo;
import dqn.client.replay.SampledBatch;
import dqn.client.replay.SamplingMode;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.checkpoint.TrainingState;
import dqn.learner.replay.PrefetchingSampler;
import dqn.learner.snapshot.ProbeBatch;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.learner.snapshot.SnapshotRecord;
import dqn.learner.snapshot.SnapshotRejectedException;
import dqn.qnetwork.QNetworkWeights;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The learner: one thread that takes batches from the replay and updates the Q-network, with the
 * gates of DQN, periodic snapshots and checkpoints, and a status anyone may read. The pace is the
 * replay's: its samples-per-insert rate limiter hands out a batch as the actors' inserts earn it
 * (none below its minimum size), and the learner updates on every batch it gets. Requests from
 * other threads (start, pause, snapshot) are queued and run on the learner thread between updates,
 * so the engine is only ever touched by that one thread.
 *
 * <p>Longer than most classes here, on purpose: the loop, its gates, and the snapshots and
 * checkpoints that must be taken on its thread at its cadence read best in one place (as in
 * Dopamine's agent); the update itself, the sampling and the publishing live in their own classes.
 */
public final class Learner implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Learner.class);
  private static final Duration BATCH_WAIT = Duration.ofMillis(500);
  private static final long LOG_PERIOD_NANOS = 30_000_000_000L;
  /** A learner without updates for this long reports WAITING (not on every short gap). */
  private static final long WAITING_AFTER_NANOS = 1_000_000_000L;

  /**
   * Settings of the loop.
   *
   * @param replay what the replay must agree on before the first update
   */
  public record Settings(
      SamplingMode sampling,
      long targetSyncPeriodUpdates,
      long snapshotPeriodUpdates,
      long checkpointPeriodUpdates,
      int framesPerTransition,
      ReplayAgreement replay,
      int probeBatch) {}

  /**
   * What the gates allow now: an update (and whether the target syncs after it), a wait, or
   * nothing ever (the replay disagrees).
   */
  record Gate(String waitReason, String refusal, boolean syncTargetAfter) {
    static Gate update(boolean syncTargetAfter) {
      return new Gate(null, null, syncTargetAfter);
    }

    static Gate waitFor(String reason) {
      return new Gate(reason, null, false);
    }

    static Gate refuse(String reason) {
      return new Gate(null, reason, false);
    }

    boolean mayUpdate() {
      return waitReason == null && refusal == null;
    }
  }

  private final TrainingEngine engine;
  private final PrefetchingSampler sampler;
  private final SnapshotPublisher publisher;
  private final CheckpointStore checkpoints;
  private final ProbeBatch probe;
  private final Settings settings;
  private final long rngState;

  private final BlockingQueue<Runnable> requests = new LinkedBlockingQueue<>();
  private final ExecutorService background;
  private final RecentRates rates = new RecentRates(10_000_000_000L);
  private final Thread thread;

  private volatile LearnerState state = LearnerState.IDLE;
  private volatile String reason = "not started";
  private volatile long updateStep;
  private volatile long envFrames;
  private volatile float lossAverage = Float.NaN;
  private volatile boolean closing;
  private long lastCheckpointStep;
  private long lastUpdateNanos = System.nanoTime();
  // The SnapshotNow being written, and its update step (learner thread only).
  private CompletableFuture<SnapshotRecord> snapshotInFlight;
  private long snapshotInFlightStep = -1;
  private long lastLogNanos = System.nanoTime();
  private final AtomicReference<Capture> pendingSnapshot = new AtomicReference<>();
  private boolean replayAgrees;

  /**
   * @param resumed the checkpoint to continue from, or null for a fresh start (already restored
   *     into {@code engine} by the caller)
   */
  public Learner(
      TrainingEngine engine,
      PrefetchingSampler sampler,
      SnapshotPublisher publisher,
      CheckpointStore checkpoints,
      Settings settings,
      long rngState,
      TrainingState resumed) {
    this.engine = engine;
    this.sampler = sampler;
    this.publisher = publisher;
    this.checkpoints = checkpoints;
    this.settings = settings;
    this.probe = ProbeBatch.of(engine.spec(), settings.probeBatch());
    this.rngState = resumed != null ? resumed.rngState() : rngState;
    if (resumed != null) {
      this.updateStep = resumed.updateStep();
      this.envFrames = resumed.envFrames();
      this.lastCheckpointStep = resumed.updateStep();
    }
    this.background =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "learner-snapshots");
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::run, "learner");
    this.thread.start();
  }

  // ---- requests from other threads ------------------------------------------------------------

  /** Starts or resumes training. */
  public LearnerStatus start() {
    return await(
        onLearnerThread(
            () -> {
              if (state == LearnerState.FAILED) {
                throw new LearnerException.Failed(
                    "the learner failed and does not resume: " + reason + ". Restart the service to resume from the last checkpoint.");
              }
              if (state == LearnerState.IDLE || state == LearnerState.PAUSED) {
                sampler.start();
                state = LearnerState.WAITING;
                reason = "waiting for the first batch";
                lastUpdateNanos = System.nanoTime();
                LOG.infof("training started at update %d", updateStep);
              }
              return null;
            }));
  }

  /** Pauses after the update in progress. */
  public LearnerStatus pause() {
    return await(
        onLearnerThread(
            () -> {
              if (state == LearnerState.FAILED) {
                throw new LearnerException.Failed("the learner failed: " + reason);
              }
              if (state == LearnerState.TRAINING || state == LearnerState.WAITING) {
                state = LearnerState.PAUSED;
                reason = "paused by request";
                LOG.infof("training paused at update %d", updateStep);
              }
              return null;
            }));
  }

  /**
   * Takes a snapshot of the online network now, and publishes it.
   *
   * @throws LearnerException.Failed when the learner failed (its last good snapshot stays)
   * @throws SnapshotRejectedException when ONNX Runtime disagrees with the engine
   */
  public SnapshotRecord snapshotNow() throws IOException {
    CompletableFuture<CompletableFuture<SnapshotRecord>> captured =
        onLearnerThread(
            () -> {
              if (state == LearnerState.FAILED) {
                throw new LearnerException.Failed(
                    "the learner failed (" + reason + "); its last good snapshot stays the newest");
              }
              return snapshot();
            });
    try {
      return captured.get(5, TimeUnit.MINUTES).get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LearnerException.TimedOut("the snapshot took longer than 5 minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LearnerException.Stopping("interrupted while waiting for the snapshot", e);
    }
  }

  /** Where training stands; safe from any thread. */
  public LearnerStatus status() {
    long now = System.nanoTime();
    long updates = updateStep;
    return new LearnerStatus(
        state,
        state == LearnerState.TRAINING ? "" : reason,
        updates,
        envFrames,
        rates.updatesPerSecond(now, updates),
        lossAverage,
        rates.waitFraction(now, sampler.waitNanos()),
        engine.device(),
        publisher.last());
  }

  /** Time spent waiting for replay data since the learner was made; it only grows. */
  public long dataWaitNanos() {
    return sampler.waitNanos();
  }

  public SnapshotPublisher snapshots() {
    return publisher;
  }

  // ---- the learner thread ---------------------------------------------------------------------

  private void run() {
    while (!closing) {
      try {
        Runnable request = requests.poll();
        if (request != null) {
          request.run();
          continue;
        }
        switch (state) {
          case TRAINING, WAITING -> trainOnce();
          default -> {
            Runnable next = requests.poll(200, TimeUnit.MILLISECONDS);
            if (next != null) {
              next.run();
            }
          }
        }
        rates.record(System.nanoTime(), updateStep, sampler.waitNanos());
        logAtCadence();
      } catch (InterruptedException e) {
        if (!closing) {
          LOG.warn("learner thread interrupted; stopping");
        }
        return;
      } catch (RuntimeException e) {
        fail("internal error at update " + updateStep + ": " + e, e);
      }
    }
  }

  /** One pass: the gates, a batch, one update, and what follows it at its cadence. */
  private void trainOnce() throws InterruptedException {
    ReplayInfo info = sampler.info();
    if (info != null) {
      envFrames = Math.max(envFrames, info.totalInserted() * settings.framesPerTransition());
    }
    Gate gate = gates(info);
    if (gate.refusal() != null) {
      fail(gate.refusal(), null);
      return;
    }
    if (!gate.mayUpdate()) {
      waiting(gate.waitReason());
      Thread.sleep(20);
      return;
    }
    // Blocks until the replay's rate limiter lets a batch through (or says why it does not).
    PrefetchingSampler.Next next = sampler.next(BATCH_WAIT);
    if (next.batch() == null) {
      waiting(next.waitReason());
      return;
    }
    SampledBatch batch = next.batch();
    boolean prioritized = settings.sampling() == SamplingMode.PRIORITIZED;
    UpdateResult result = engine.update(batch, prioritized);
    if (!result.applied()) {
      fail(
          Float.isFinite(result.loss())
              ? String.format(
                  "non-finite gradient at update %d (loss %s, gradient norm %s; %s); updates stopped,"
                      + " the last good snapshot stays published",
                  updateStep + 1, result.loss(), result.gradientNorm(), result.diagnosis())
              : String.format(
                  "non-finite loss at update %d (loss %s; %s); updates stopped, the last good"
                      + " snapshot stays published",
                  updateStep + 1, result.loss(), result.diagnosis()),
          null);
      return;
    }
    updateStep++;
    lastUpdateNanos = System.nanoTime();
    state = LearnerState.TRAINING;
    reason = "";
    lossAverage = Float.isNaN(lossAverage) ? result.loss() : 0.99f * lossAverage + 0.01f * result.loss();
    if (prioritized) {
      sampler.updatePrioritiesAsync(batch.ids(), result.absTdErrors());
    }
    if (gate.syncTargetAfter()) {
      engine.syncTarget();
    }
    if (settings.snapshotPeriodUpdates() > 0 && updateStep % settings.snapshotPeriodUpdates() == 0) {
      periodicSnapshot();
    }
    if (settings.checkpointPeriodUpdates() > 0 && updateStep % settings.checkpointPeriodUpdates() == 0) {
      checkpointInBackground();
    }
  }

  /**
   * DQN's gates, together. Two of the three are the replay's: its rate limiter serves no sample
   * below its minimum size (the learning start) and then one batch per update period of inserted
   * transitions, counted on every insert as it arrives, so a burst inserted before the learner looked
   * earns its updates and a learner resumed beside an empty replay trains again once the replay holds
   * the learning start. What is left here: before the first update the replay must agree with this
   * learner on those settings (and on n-step, gamma and the state shape), and after every
   * target-sync-period-th update the online weights are copied into the target network.
   */
  Gate gates(ReplayInfo info) {
    if (!replayAgrees) {
      if (info == null) {
        return Gate.waitFor(Objects.requireNonNullElse(sampler.problem(), "waiting for the replay's statistics"));
      }
      String disagreement = settings.replay().disagreement(info);
      if (disagreement != null) {
        return Gate.refuse(disagreement);
      }
      replayAgrees = true;
    }
    return Gate.update((updateStep + 1) % settings.targetSyncPeriodUpdates() == 0);
  }

  private void waiting(String why) {
    reason = why;
    if (System.nanoTime() - lastUpdateNanos > WAITING_AFTER_NANOS) {
      state = LearnerState.WAITING;
    }
  }

  private void fail(String why, Throwable cause) {
    state = LearnerState.FAILED;
    reason = why;
    if (cause != null) {
      LOG.error("learner failed: " + why, cause);
    } else {
      LOG.errorf("learner failed: %s", why);
    }
  }

  /**
   * Queues a snapshot of the weights as they are now. If the publisher is still busy with an
   * earlier one, the newest capture replaces any that is waiting: snapshots never pile up.
   */
  private void periodicSnapshot() {
    Capture capture = capture();
    if (pendingSnapshot.getAndSet(capture) != null) {
      LOG.debugf("snapshot at update %d replaces one still waiting to be published", capture.updateStep());
      return;
    }
    background.execute(
        () -> {
          Capture newest = pendingSnapshot.getAndSet(null);
          if (newest == null) {
            return;
          }
          try {
            newest.publish(publisher, probe);
          } catch (IOException | RuntimeException e) {
            LOG.errorf("snapshot at update %d failed: %s", newest.updateStep(), e.getMessage());
          }
        });
  }

  /** Captures weights and probe Q-values here; verifies and publishes in the background. */
  private CompletableFuture<SnapshotRecord> snapshot() {
    if (snapshotInFlight != null && !snapshotInFlight.isDone() && snapshotInFlightStep == updateStep) {
      return snapshotInFlight; // callers at the same update share one snapshot
    }
    snapshotInFlightStep = updateStep;
    snapshotInFlight = newSnapshot();
    return snapshotInFlight;
  }

  private CompletableFuture<SnapshotRecord> newSnapshot() {
    SnapshotRecord same = publisher.madeAt(updateStep);
    if (same != null) {
      // No update since that snapshot: it stands, uploaded again if the inference-service did not take it.
      return same.published()
          ? CompletableFuture.completedFuture(same)
          : CompletableFuture.supplyAsync(
              () -> {
                try {
                  return publisher.republish(same);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException("snapshot " + same.path() + " could not be read: " + e.getMessage(), e);
                }
              },
              background);
    }
    Capture capture = capture();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return capture.publish(publisher, probe);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                "snapshot at update " + capture.updateStep() + " could not be written: " + e.getMessage(), e);
          }
        },
        background);
  }

  /** The online network as it is now, and its Q-values on the probe batch. */
  private Capture capture() {
    return new Capture(
        engine.onlineWeights(), engine.qValues(probe.observations(), probe.size()), updateStep, envFrames);
  }

  private record Capture(QNetworkWeights weights, float[][] engineQ, long updateStep, long envFrames) {
    SnapshotRecord publish(SnapshotPublisher publisher, ProbeBatch probe) throws IOException {
      return publisher.publish(weights, probe, engineQ, updateStep, envFrames);
    }
  }

  private TrainingState captureState() {
    return new TrainingState(updateStep, envFrames, rngState, engine.state());
  }

  private void checkpointInBackground() {
    TrainingState captured = captureState();
    lastCheckpointStep = captured.updateStep();
    background.execute(() -> writeCheckpoint(captured));
  }

  private void writeCheckpoint(TrainingState captured) {
    try {
      var file = checkpoints.write(captured);
      LOG.infof("checkpoint %s written (update %d)", file.getFileName(), captured.updateStep());
    } catch (IOException | RuntimeException e) {
      LOG.errorf("checkpoint at update %d could not be written: %s", captured.updateStep(), e.getMessage());
    }
  }

  private void logAtCadence() {
    long now = System.nanoTime();
    if (now - lastLogNanos < LOG_PERIOD_NANOS) {
      return;
    }
    lastLogNanos = now;
    LearnerStatus s = status();
    LOG.infof(
        "learner/%s update=%d env_frames=%d updates_per_s=%.1f td_loss=%.4g data_wait=%.2f%s",
        s.state().name().toLowerCase(),
        s.updateStep(),
        s.envFrames(),
        s.updatesPerSecond(),
        s.loss(),
        s.dataWaitFraction(),
        s.reason().isEmpty() ? "" : " (" + s.reason() + ")");
  }

  private <T> CompletableFuture<T> onLearnerThread(java.util.concurrent.Callable<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closing) {
      result.completeExceptionally(new LearnerException.Stopping("the learner is shutting down", null));
      return result;
    }
    requests.add(
        () -> {
          try {
            result.complete(action.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  private LearnerStatus await(CompletableFuture<?> request) {
    try {
      request.get(1, TimeUnit.MINUTES);
      return status();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LearnerException.TimedOut("the learner did not answer within a minute", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LearnerException.Stopping("interrupted while waiting for the learner", e);
    }
  }

  /**
   * Stops the loop after the update in progress, waits for snapshots and checkpoints in flight,
   * and writes a final checkpoint unless the learner failed or nothing changed since the last one.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    thread.interrupt();
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    background.shutdown();
    try {
      background.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (state != LearnerState.FAILED && updateStep > lastCheckpointStep) {
      writeCheckpoint(captureState());
    }
    sampler.close();
  }
}
