package dqn.inference.registry;

import dqn.inference.model.QModel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stored version with its model in memory, reference counted: the registry holds one reference
 * while the version is kept, each request holds one while it runs, and the model closes when the
 * last is released. So a swap or an eviction never closes a session a request is still using.
 */
final class LoadedVersion {

  final StoredVersion stored;
  final QModel model;
  final Map<String, String> properties;

  /** The registry's own reference is the first; 0 means closed for good. */
  private final AtomicInteger references = new AtomicInteger(1);

  LoadedVersion(StoredVersion stored, QModel model) {
    this.stored = stored;
    this.model = model;
    Map<String, String> merged = new HashMap<>(model.fileMetadata());
    merged.putAll(stored.properties());
    this.properties = Map.copyOf(merged);
  }

  /** Takes a reference unless the version has already been retired and closed. */
  boolean tryAcquire() {
    while (true) {
      int count = references.get();
      if (count == 0) {
        return false;
      }
      if (references.compareAndSet(count, count + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (references.decrementAndGet() == 0) {
      model.close();
    }
  }

  VersionView view(boolean live) {
    return new VersionView(stored, live, model.signature(), properties);
  }
}
