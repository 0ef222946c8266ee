package dqn.inference.registry;

import dqn.inference.model.ModelLoader;
import dqn.inference.model.QModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Named models with numbered versions, every kept version loaded and ready.
 *
 * <p>Requests take a {@link ModelLease} on a version without locking. An upload is validated and
 * loaded before any lock is taken; only the bookkeeping (version number, files, live pointer) runs
 * under the model's lock, and the live version changes by one reference write. A version that is
 * replaced or evicted closes when its last request releases it.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final ModelStore store;
  private final ModelLoader loader;
  private final int keepVersions;
  private final long maxUploadBytes;
  private final Clock clock;
  private final Map<String, Model> models = new ConcurrentHashMap<>();

  private ModelRegistry(
      ModelStore store, ModelLoader loader, int keepVersions, long maxUploadBytes, Clock clock) {
    this.store = store;
    this.loader = loader;
    this.keepVersions = keepVersions;
    this.maxUploadBytes = maxUploadBytes;
    this.clock = clock;
  }

  /**
   * Opens the registry on a model folder and loads every version kept there; each model serves the
   * version it served before (its newest loadable one when that is gone).
   *
   * @param keepVersions newest versions kept per model; the live one is kept in addition
   * @param maxUploadBytes largest file an upload may announce
   */
  public static ModelRegistry open(
      Path root, ModelLoader loader, int keepVersions, long maxUploadBytes, Clock clock) {
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keepVersions must be at least 1, got " + keepVersions);
    }
    if (maxUploadBytes < 1) {
      throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
    }
    ModelRegistry registry =
        new ModelRegistry(new ModelStore(root), loader, keepVersions, maxUploadBytes, clock);
    try {
      for (String name : registry.store.models()) {
        registry.restore(name);
      }
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException("cannot read the model folder " + root.toAbsolutePath(), e);
    }
    return registry;
  }

  private void restore(String name) throws IOException {
    store.removeUnfinishedUploads(name);
    Model model = new Model(name);
    for (StoredVersion stored : store.versions(name)) {
      model.nextVersion = Math.max(model.nextVersion, stored.version() + 1);
      try {
        QModel loaded = loader.load(name, store.onnxFile(name, stored.version()));
        model.versions.put(stored.version(), new LoadedVersion(stored, loaded));
      } catch (RuntimeException e) {
        LOG.warnf(
            "model %s v%d on disk cannot be served and is skipped: %s",
            name, stored.version(), e.getMessage());
      }
    }
    models.put(name, model);
    if (model.versions.isEmpty()) {
      return;
    }
    OptionalLong pointer = store.liveVersion(name);
    LoadedVersion live = pointer.isPresent() ? model.versions.get(pointer.getAsLong()) : null;
    if (live == null) {
      live = model.versions.lastEntry().getValue();
      LOG.warnf(
          "model %s: the live version on disk (%s) cannot be served; serving v%d",
          name,
          pointer.isPresent() ? "v" + pointer.getAsLong() : "none recorded",
          live.stored.version());
      store.writeLive(name, live.stored.version());
    }
    model.live = live;
    LOG.infof(
        "model %s: serving v%d (%s); versions kept: %s",
        name, live.stored.version(), live.model.signature().describe(), model.versions.keySet());
  }

  /**
   * Starts an upload after checking its header; the caller appends the bytes, then commits.
   *
   * @throws InvalidUploadException for a bad name, size or checksum in the header
   * @throws UploadTooLargeException when the file is larger than this server accepts
   */
  public ModelUpload beginUpload(UploadSpec spec) {
    ModelNames.require(spec.model());
    if (spec.sizeBytes() <= 0) {
      throw new InvalidUploadException(
          "the upload header must give the file's size in size_bytes (> 0), got "
              + spec.sizeBytes());
    }
    if (spec.sizeBytes() > maxUploadBytes) {
      throw new UploadTooLargeException(
          "the upload of "
              + spec.sizeBytes()
              + " bytes exceeds this server's limit of "
              + maxUploadBytes
              + " bytes (dqn.inference.registry.max-upload-bytes)");
    }
    if (!spec.sha256().isEmpty() && !SHA256.matcher(spec.sha256()).matches()) {
      throw new InvalidUploadException(
          "sha256 must be 64 hex digits or empty, got '" + spec.sha256() + "'");
    }
    try {
      return new ModelUpload(this, spec, store.newUploadFile(spec.model()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an upload for model " + spec.model(), e);
    }
  }

  /** Loads and validates an uploaded file, then stores it as the model's next version. */
  VersionView register(UploadSpec spec, Path uploaded, String sha256, long sizeBytes)
      throws IOException {
    QModel loaded = loader.load(spec.model(), uploaded);
    Model model = models.computeIfAbsent(spec.model(), Model::new);
    synchronized (model) {
      if (model.live != null && !model.live.model.signature().equals(loaded.signature())) {
        LOG.infof(
            "model %s changes signature from %s to %s",
            spec.model(), model.live.model.signature().describe(), loaded.signature().describe());
      }
      long number = model.nextVersion++;
      StoredVersion stored =
          new StoredVersion(
              spec.model(), number, sha256, sizeBytes, clock.millis(), spec.properties());
      try {
        store.store(stored, uploaded);
      } catch (IOException | RuntimeException e) {
        loaded.close();
        throw e;
      }
      LoadedVersion version = new LoadedVersion(stored, loaded);
      model.versions.put(number, version);
      boolean makeLive = spec.makeLive() || model.live == null;
      if (makeLive) {
        switchLive(model, version);
      }
      evictOldVersions(model);
      LOG.infof(
          "model %s: stored v%d (%d bytes, %s)%s",
          spec.model(),
          number,
          sizeBytes,
          loaded.signature().describe(),
          makeLive ? ", now live" : "");
      return version.view(makeLive);
    }
  }

  /**
   * A lease on a version; 0 means the live one.
   *
   * @throws ModelNotFoundException for an unknown model or version
   */
  public ModelLease lease(String name, long version) {
    Model model = find(name);
    while (true) {
      LoadedVersion candidate = version == 0 ? model.live : model.versions.get(version);
      if (candidate == null) {
        throw missingVersion(model, version);
      }
      if (candidate.tryAcquire()) {
        return new ModelLease(candidate);
      }
      // Retired between the lookup and the acquire: look again, the map already shows the change.
    }
  }

  /** Makes a stored version the live one (also how to roll back). */
  public VersionView setLive(String name, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be a stored version (1 or more), got " + version);
    }
    Model model = find(name);
    synchronized (model) {
      LoadedVersion target = model.versions.get(version);
      if (target == null) {
        throw missingVersion(model, version);
      }
      if (target != model.live) {
        try {
          switchLive(model, target);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot record the live version of " + name, e);
        }
        evictOldVersions(model);
        LOG.infof("model %s: v%d is live", name, version);
      }
      return target.view(true);
    }
  }

  /** A version's description; 0 means the live one. */
  public VersionView describe(String name, long version) {
    LoadedVersion described = named(name, version);
    return described.view(described == find(name).live);
  }

  /** A stored version's ONNX file, read whole (Q-networks are megabytes); 0 means the live one. */
  public StoredModel download(String name, long version) {
    LoadedVersion held = named(name, version);
    try {
      byte[] onnx = Files.readAllBytes(store.onnxFile(name, held.stored.version()));
      return new StoredModel(held.view(held == find(name).live), onnx);
    } catch (NoSuchFileException retired) {
      throw missingVersion(find(name), held.stored.version());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read version " + held.stored.version() + " of model " + name, e);
    }
  }

  /** The version a request names: 0 for the live one, else a stored one. */
  private LoadedVersion named(String name, long version) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be 0 (the live one) or a stored version, got " + version);
    }
    Model model = find(name);
    LoadedVersion named = version == 0 ? model.live : model.versions.get(version);
    if (named == null) {
      throw missingVersion(model, version);
    }
    return named;
  }

  /** Every model with its versions, sorted by name, versions newest first. */
  public List<ModelSummary> list() {
    List<ModelSummary> summaries = new ArrayList<>();
    models.values().stream()
        .filter(m -> m.live != null)
        .sorted(Comparator.comparing(m -> m.name))
        .forEach(
            m -> {
              LoadedVersion live = m.live;
              List<VersionView> versions =
                  m.versions.descendingMap().values().stream().map(v -> v.view(v == live)).toList();
              summaries.add(new ModelSummary(m.name, live.stored.version(), versions));
            });
    return summaries;
  }

  /** Releases every version; each closes once its running requests finish. */
  @Override
  public void close() {
    for (Model model : models.values()) {
      synchronized (model) {
        model.versions.values().forEach(LoadedVersion::release);
        model.versions.clear();
        model.live = null;
      }
    }
    models.clear();
  }

  private void switchLive(Model model, LoadedVersion version) throws IOException {
    store.writeLive(model.name, version.stored.version());
    model.live = version;
  }

  /** With the model's lock held: drops versions beyond the newest K, never the live one. */
  private void evictOldVersions(Model model) {
    List<Long> newest = model.versions.descendingKeySet().stream().limit(keepVersions).toList();
    for (Long number : new ArrayList<>(model.versions.keySet())) {
      LoadedVersion version = model.versions.get(number);
      if (newest.contains(number) || version == model.live) {
        continue;
      }
      model.versions.remove(number);
      try {
        store.delete(model.name, number);
      } catch (IOException e) {
        LOG.warnf(
            "model %s: cannot delete evicted v%d from disk: %s",
            model.name, number, e.getMessage());
      }
      version.release();
      LOG.infof(
          "model %s: evicted v%d (keeping the newest %d and the live version)",
          model.name, number, keepVersions);
    }
  }

  private Model find(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("model is required: the name of a served model, e.g. one ListModels lists");
    }
    Model model = models.get(name);
    if (model == null || model.live == null) {
      throw new ModelNotFoundException(
          "no model named '"
              + name
              + "'; models served here: "
              + names()
              + " (upload one with UploadModel)");
    }
    return model;
  }

  private ModelNotFoundException missingVersion(Model model, long version) {
    return new ModelNotFoundException(
        "model "
            + model.name
            + " has no version "
            + version
            + "; stored versions: "
            + model.versions.keySet());
  }

  private String names() {
    return models.values().stream()
        .filter(m -> m.live != null)
        .map(m -> m.name)
        .sorted()
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** One model's versions; bookkeeping changes hold its monitor, readers take none. */
  private static final class Model {
    final String name;
    final NavigableMap<Long, LoadedVersion> versions = new ConcurrentSkipListMap<>();
    volatile LoadedVersion live;
    long nextVersion = 1;

    Model(String name) {
      this.name = name;
    }
  }
}
