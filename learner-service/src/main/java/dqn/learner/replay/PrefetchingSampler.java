package dqn.learner.replay;

import dqn.client.replay.ReplayClient;
import dqn.client.replay.ReplayInfo;
import dqn.client.replay.ReplayNotReadyException;
import dqn.client.replay.ReplayUnavailableException;
import dqn.client.replay.SampledBatch;
import dqn.client.replay.SamplingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Keeps several Sample calls to the replay in flight so the learner rarely waits on the network:
 * {@code depth} fetchers each loop "sample, hand over, sample again", into a queue of {@code depth}
 * ready batches. A fetcher the replay's rate limiter held back asks again at once, so one call
 * always waits in the limiter and gets its batch on the insert that earns it; below the replay's
 * minimum size it asks again after a pause, and a failing replay is asked again with a backoff
 * (doubling up to a maximum). Each records why, so the learner can say why it is idle. Replay
 * statistics are polled on their own thread, and priority updates are sent in the background.
 */
public final class PrefetchingSampler implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PrefetchingSampler.class);

  /**
   * Settings of the data path.
   *
   * @param sampleTimeoutMs how long one Sample call may wait in the replay's rate limiter (>= 1)
   */
  public record Settings(
      int batchSize,
      SamplingMode mode,
      int depth,
      int sampleTimeoutMs,
      Duration backoffInitial,
      Duration backoffMax,
      Duration statsPeriod) {

    public Settings {
      if (batchSize < 1 || depth < 1 || sampleTimeoutMs < 1) {
        throw new IllegalArgumentException("batch size, prefetch depth and sample timeout must be >= 1");
      }
    }
  }

  /** What {@link #next} found: a batch, or the reason there was none in time. */
  public record Next(SampledBatch batch, String waitReason) {}

  private final ReplayClient client;
  private final Settings settings;
  private final BlockingQueue<SampledBatch> ready;
  private final AtomicReference<String> problem = new AtomicReference<>("connecting to the replay");
  // The statistics poller's own finding: it asks the replay even while the fetchers wait out a
  // pause (below the learning start), so an unreachable replay is reported then too.
  private final AtomicReference<String> unreachable = new AtomicReference<>();
  private final AtomicReference<ReplayInfo> info = new AtomicReference<>();
  private final AtomicLong waitNanos = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final ExecutorService priorityUpdates;
  private volatile boolean closed;

  public PrefetchingSampler(ReplayClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.ready = new ArrayBlockingQueue<>(settings.depth());
    // One sender; if priority updates pile up (replay slow), the oldest wait and new ones drop.
    this.priorityUpdates =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(64),
            r -> daemon(r, "replay-priorities"),
            new ThreadPoolExecutor.DiscardPolicy());
  }

  /** Starts the fetchers and the statistics poller. */
  public synchronized void start() {
    if (!threads.isEmpty()) {
      return;
    }
    for (int i = 0; i < settings.depth(); i++) {
      threads.add(daemon(this::fetchLoop, "replay-prefetch-" + i));
    }
    threads.add(daemon(this::statsLoop, "replay-stats"));
    threads.forEach(Thread::start);
  }

  /**
   * The next ready batch, waiting at most {@code maxWait}; the time spent waiting counts as data
   * wait. Without a batch in time, says why (the last failure, or that the replay holds data back).
   */
  public Next next(Duration maxWait) throws InterruptedException {
    long start = System.nanoTime();
    SampledBatch batch = ready.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    waitNanos.addAndGet(System.nanoTime() - start);
    if (batch != null) {
      return new Next(batch, null);
    }
    String reason = problem();
    return new Next(null, reason != null ? reason : "waiting for the replay to hand out a batch");
  }

  /** Why the last call to the replay got no answer or no batch, or null when it did. */
  public String problem() {
    String poller = unreachable.get();
    return poller != null ? poller : problem.get();
  }

  /** Newest replay statistics, or null before the first answer. */
  public ReplayInfo info() {
    return info.get();
  }

  /** Total time callers of {@link #next} have waited, in nanoseconds. */
  public long waitNanos() {
    return waitNanos.get();
  }

  /** Sends new priorities in the background; drops them if the replay falls far behind. */
  public void updatePrioritiesAsync(long[] ids, float[] priorities) {
    try {
      priorityUpdates.execute(
          () -> {
            try {
              client.updatePriorities(ids, priorities);
            } catch (RuntimeException e) {
              LOG.debugf("priority update failed: %s", e.getMessage());
            }
          });
    } catch (RejectedExecutionException closing) {
      // The sampler is closing; the priorities of this batch are lost, as on any shutdown.
    }
  }

  private void fetchLoop() {
    Duration backoff = settings.backoffInitial();
    while (!closed) {
      try {
        SampledBatch batch =
            client.sample(settings.batchSize(), settings.mode(), settings.sampleTimeoutMs());
        problem.set(null);
        backoff = settings.backoffInitial();
        ready.put(batch);
      } catch (ReplayNotReadyException e) {
        problem.set(e.getMessage());
        if (e.reason() == ReplayNotReadyException.Reason.BELOW_MIN_SIZE) {
          sleep(settings.backoffInitial());
        }
      } catch (ReplayUnavailableException e) {
        String previous = problem.getAndSet(e.getMessage());
        if (!e.getMessage().equals(previous)) {
          LOG.warnf("%s; retrying every %d ms at most", e.getMessage(), settings.backoffMax().toMillis());
        }
        sleep(backoff);
        backoff = min(backoff.multipliedBy(2), settings.backoffMax());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // An answer the client could not turn into a batch (wrong shape, ...): keep the reason
        // visible and retry slowly rather than train on it.
        problem.set("replay answer rejected: " + e.getMessage());
        LOG.errorf("replay answer rejected: %s", e.getMessage());
        sleep(settings.backoffMax());
      }
    }
  }

  private void statsLoop() {
    while (!closed) {
      try {
        info.set(client.info());
        unreachable.set(null);
      } catch (ReplayUnavailableException e) {
        unreachable.set(e.getMessage());
      } catch (RuntimeException e) {
        LOG.debugf("replay statistics failed: %s", e.getMessage());
      }
      sleep(settings.statsPeriod());
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    priorityUpdates.shutdown();
    try {
      priorityUpdates.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
