package dqn.learner.snapshot;

import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.OnnxMetadata;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Turns the online weights into a published snapshot: write the ONNX file through the shared
 * q-network writer, run it in ONNX Runtime on the fixed probe batch, keep it only when it agrees
 * with the training engine within the tolerance, upload it to the inference-service, and announce
 * it to the watchers. Called from one thread at a time.
 */
public final class SnapshotPublisher {

  private static final Logger LOG = Logger.getLogger(SnapshotPublisher.class);

  /** How a snapshot ended, counted for the metrics. */
  public enum Result {
    /** Verified, kept and taken by the inference-service. */
    PUBLISHED,
    /** Verified and kept, but not taken: uploads are off or the inference-service refused it. */
    UNPUBLISHED,
    /** ONNX Runtime refused it or disagreed with the training engine: nothing kept. */
    REJECTED,
    /** It could not be written or verified for another reason. */
    FAILED
  }

  /** Settings of publishing. */
  public record Settings(
      String model,
      String game,
      List<String> actionMeanings,
      double maxAbsDiff,
      boolean makeLive) {}

  private final Settings settings;
  private final SnapshotDirectory directory;
  private final OnnxRunner runner;
  private final ModelUploader uploader;
  private final List<Consumer<SnapshotRecord>> watchers = new CopyOnWriteArrayList<>();
  private volatile SnapshotRecord last;
  private volatile SnapshotRecord lastMadeHere;
  private final Map<Result, LongAdder> results = new EnumMap<>(Result.class);
  private volatile float lastMaxAbsDiff = Float.NaN;

  /**
   * @param uploader where verified snapshots go; null keeps them in the directory only
   */
  public SnapshotPublisher(
      Settings settings, SnapshotDirectory directory, OnnxRunner runner, ModelUploader uploader) {
    this.settings = settings;
    this.directory = directory;
    this.runner = runner;
    this.uploader = uploader;
    for (Result result : Result.values()) {
      results.put(result, new LongAdder());
    }
    try {
      List<SnapshotRecord> existing = directory.list();
      this.last = existing.isEmpty() ? null : existing.get(0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the snapshot directory " + directory.dir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes, verifies, keeps, uploads and announces a snapshot.
   *
   * @param weights the online weights
   * @param probe the fixed probe batch
   * @param engineQ the training engine's Q-values on the probe batch [size][A]
   * @throws SnapshotRejectedException when ONNX Runtime refuses the file or disagrees beyond the
   *     tolerance; nothing is kept
   */
  public SnapshotRecord publish(
      QNetworkWeights weights, ProbeBatch probe, float[][] engineQ, long updateStep, long envFrames)
      throws IOException {
    return counted(() -> keep(weights, probe, engineQ, updateStep, envFrames));
  }

  /**
   * The newest snapshot when this process made it at {@code updateStep} (so of the weights the
   * learner holds at that step), else null. One from an earlier run does not count: a learner
   * resumed from an older checkpoint reaches the same step with other weights.
   */
  public SnapshotRecord madeAt(long updateStep) {
    SnapshotRecord made = lastMadeHere;
    return made != null && made.updateStep() == updateStep && made == last ? made : null;
  }

  /** Uploads a kept snapshot again (one the inference-service did not take), as {@link #publish} would. */
  public SnapshotRecord republish(SnapshotRecord kept) throws IOException {
    return counted(() -> upload(kept));
  }

  private interface Attempt {
    SnapshotRecord run() throws IOException;
  }

  /** Counts how an attempt ended and announces a snapshot to the watchers. */
  private SnapshotRecord counted(Attempt attempt) throws IOException {
    SnapshotRecord record;
    try {
      record = attempt.run();
    } catch (SnapshotRejectedException e) {
      results.get(Result.REJECTED).increment();
      throw e;
    } catch (IOException | RuntimeException e) {
      results.get(Result.FAILED).increment();
      throw e;
    }
    results.get(record.published() ? Result.PUBLISHED : Result.UNPUBLISHED).increment();
    for (Consumer<SnapshotRecord> watcher : watchers) {
      watcher.accept(record);
    }
    return record;
  }

  /** Writes, verifies, keeps and uploads. */
  private SnapshotRecord keep(
      QNetworkWeights weights, ProbeBatch probe, float[][] engineQ, long updateStep, long envFrames)
      throws IOException {
    long created = System.currentTimeMillis();
    Map<String, String> metadata = metadata(updateStep, envFrames, created);
    byte[] onnx = OnnxQNetworkWriter.write(weights, metadata);

    float[][] runtimeQ;
    try {
      runtimeQ = runner.qValues(onnx, probe.observations(), probe.shape());
    } catch (IllegalArgumentException e) {
      throw new SnapshotRejectedException("ONNX Runtime refused the snapshot at update " + updateStep + ": " + e.getMessage(), e);
    }
    float diff = maxAbsDiff(engineQ, runtimeQ);
    lastMaxAbsDiff = diff;
    if (!(diff <= settings.maxAbsDiff())) {
      throw new SnapshotRejectedException(
          String.format(
              "snapshot at update %d rejected: ONNX Runtime and the training engine differ by %.3g on the"
                  + " probe batch (tolerance %.3g)",
              updateStep, diff, settings.maxAbsDiff()));
    }

    String sha256 = OnnxMetadata.sha256Hex(onnx);
    Path file = directory.fileFor(settings.model(), updateStep);
    directory.writeModel(file, onnx);
    return upload(
        new SnapshotRecord(settings.model(), 0, updateStep, envFrames, file.toString(), sha256, created, false, diff),
        onnx);
  }

  /** Uploads a kept snapshot the inference-service has not taken yet. */
  private SnapshotRecord upload(SnapshotRecord kept) throws IOException {
    return upload(kept, Files.readAllBytes(Path.of(kept.path())));
  }

  /** Uploads a kept snapshot's file (when uploads are on), then records and announces where it stands. */
  private SnapshotRecord upload(SnapshotRecord kept, byte[] onnx) throws IOException {
    long version = 0;
    boolean published = false;
    Path file = Path.of(kept.path());
    if (uploader != null) {
      Map<String, String> properties = metadata(kept.updateStep(), kept.envFrames(), kept.createdUnixMs());
      properties.put("dqn.probe_max_abs_diff", Float.toString(kept.maxAbsDiff()));
      try {
        version = uploader.upload(settings.model(), onnx, kept.sha256(), properties, settings.makeLive());
        published = true;
      } catch (ModelUploader.UploadException e) {
        LOG.warnf("snapshot %s kept but not published: %s", file.getFileName(), e.getMessage());
      }
    }
    SnapshotRecord record =
        new SnapshotRecord(
            kept.model(), version, kept.updateStep(), kept.envFrames(), kept.path(), kept.sha256(), kept.createdUnixMs(),
            published, kept.maxAbsDiff());
    directory.writeRecord(record);
    directory.prune();
    last = record;
    lastMadeHere = record;
    LOG.infof(
        "snapshot %s: update %d, probe max |diff| %.2g, %s",
        file.getFileName(),
        kept.updateStep(),
        kept.maxAbsDiff(),
        published ? "published as version " + version : "not published");
    return record;
  }

  /** The snapshot's ONNX metadata, which its upload also carries as properties. */
  private Map<String, String> metadata(long updateStep, long envFrames, long createdUnixMs) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(OnnxMetadata.GAME, settings.game());
    if (!settings.actionMeanings().isEmpty()) {
      metadata.put(OnnxMetadata.ACTION_MEANINGS, String.join(",", settings.actionMeanings()));
    }
    metadata.put(OnnxMetadata.UPDATE_STEP, Long.toString(updateStep));
    metadata.put(OnnxMetadata.ENV_FRAMES, Long.toString(envFrames));
    metadata.put(OnnxMetadata.CREATED_UNIX_MS, Long.toString(createdUnixMs));
    return metadata;
  }

  /**
   * Newest verified snapshot (also from earlier runs), or null; its {@code published} flag says
   * whether the inference-service took it.
   */
  public SnapshotRecord last() {
    return last;
  }

  /** Snapshots that ended with {@code result} since the service started. */
  public long count(Result result) {
    return results.get(result).sum();
  }

  /**
   * The largest |ONNX Runtime - training engine| of the newest snapshot compared, kept or
   * rejected; NaN before the first comparison of this process.
   */
  public float lastMaxAbsDiff() {
    return lastMaxAbsDiff;
  }

  public List<SnapshotRecord> list() throws IOException {
    return directory.list();
  }

  /** Calls {@code watcher} with every snapshot taken from now on, until removed. */
  public void watch(Consumer<SnapshotRecord> watcher) {
    watchers.add(watcher);
  }

  public void unwatch(Consumer<SnapshotRecord> watcher) {
    watchers.remove(watcher);
  }

  /** Largest |a - b| over all entries; NaN or infinity when shapes differ or values are not finite. */
  static float maxAbsDiff(float[][] a, float[][] b) {
    if (a.length != b.length) {
      return Float.POSITIVE_INFINITY;
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != b[i].length) {
        return Float.POSITIVE_INFINITY;
      }
      for (int j = 0; j < a[i].length; j++) {
        float d = Math.abs(a[i][j] - b[i][j]);
        if (!(d <= max)) {
          max = Float.isNaN(d) ? Float.NaN : d;
          if (Float.isNaN(d)) {
            return d;
          }
        }
      }
    }
    return max;
  }
}
