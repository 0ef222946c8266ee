package dqn.env.actors;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jboss.logging.Logger;

/**
 * The newest version of one model that the actors have been served, copied into this process so
 * that they keep acting with it while the inference-service is unreachable. Actors report each
 * version they are served; a newer one is fetched on one background thread, and the copy it
 * replaces is closed. Shared by the actors of one model.
 */
public final class LastModelCopy implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LastModelCopy.class);

  private final String model;
  private final LocalPolicy.Loader loader;
  private final ExecutorService fetcher;
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
  private LocalPolicy held;
  /** The version being fetched, or the last one that failed (not fetched again), else 0. */
  private long tried;
  private boolean closed;

  public LastModelCopy(String model, LocalPolicy.Loader loader) {
    this.model = model;
    this.loader = loader;
    this.fetcher =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "model-copy-" + model);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** An actor was served {@code version}: fetch it unless it is held, older or already tried. */
  public synchronized void served(long version) {
    long heldVersion = held == null ? 0 : held.version();
    if (closed || version <= heldVersion || version <= tried) {
      return;
    }
    tried = version;
    fetcher.execute(() -> fetch(version));
  }

  /**
   * Greedy actions from the held copy, or null while none is held. Several actors may act at once;
   * a copy is closed only when none is using it.
   */
  public ActionSource.Choice choose(byte[] observations, int rows, long[] observationShape) {
    inUse.readLock().lock();
    try {
      LocalPolicy policy;
      synchronized (this) {
        policy = held;
      }
      return policy == null ? null : new ActionSource.Choice(policy.greedy(observations, rows, observationShape), policy.version());
    } finally {
      inUse.readLock().unlock();
    }
  }

  private void fetch(long version) {
    LocalPolicy loaded;
    try {
      loaded = loader.load(model, version);
    } catch (Exception e) {
      LOG.warnf("model %s v%d: no local copy (%s); actors pause while the inference-service is away", model, version,
          e.getMessage());
      return;
    }
    LocalPolicy replaced;
    inUse.writeLock().lock();
    try {
      synchronized (this) {
        if (closed || (held != null && held.version() >= loaded.version())) {
          replaced = loaded;
        } else {
          replaced = held;
          held = loaded;
        }
      }
      if (replaced != null) {
        replaced.close();
      }
    } finally {
      inUse.writeLock().unlock();
    }
    if (replaced != loaded) {
      LOG.infof("model %s: v%d copied here, for acting while the inference-service is away", model, loaded.version());
    }
  }

  /** Stops fetching and closes the copy; actors must have stopped using it. */
  @Override
  public void close() {
    fetcher.shutdownNow();
    try {
      fetcher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inUse.writeLock().lock();
    try {
      synchronized (this) {
        closed = true;
        if (held != null) {
          held.close();
          held = null;
        }
      }
    } finally {
      inUse.writeLock().unlock();
    }
  }
}
