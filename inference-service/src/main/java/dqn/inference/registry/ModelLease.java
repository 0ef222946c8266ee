package dqn.inference.registry;

import dqn.inference.model.QModel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to run one model version until closed; the version stays open at least that long, even
 * if it is swapped out or evicted meanwhile.
 */
public final class ModelLease implements AutoCloseable {

  private final LoadedVersion version;
  private final AtomicBoolean released = new AtomicBoolean();

  ModelLease(LoadedVersion version) {
    this.version = version;
  }

  public String modelName() {
    return version.stored.model();
  }

  public long version() {
    return version.stored.version();
  }

  public QModel model() {
    if (released.get()) {
      throw new IllegalStateException("lease on " + modelName() + " v" + version() + " was closed");
    }
    return version.model;
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      version.release();
    }
  }
}
