package dqn.replay.ratelimit;

import dqn.replay.buffer.ReplayException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Samples-per-insert rate limiter, after Reverb's SampleToInsertRatio. With {@code diff = inserted
 * · samplesPerInsert − sampled} and {@code offset = samplesPerInsert · minSizeToSample}, a sample of
 * B transitions waits until {@code diff − B ≥ offset − errorBuffer}, and an insert waits while
 * {@code diff > offset + errorBuffer}: the learner can run neither ahead of the actors nor behind
 * them by more than the buffer. No sample is served before the replay holds {@code
 * minSizeToSample} transitions. {@code samplesPerInsert = 0} keeps only the minimum size.
 *
 * <p>Waiting is on a condition variable (no spinning); callers are woken by every insert and
 * sample.
 */
public final class RateLimiter {

  private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final long capacity;
  private final LongSupplier replaySize;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Settings settings;
  private double inserted;
  private double sampled;
  // What the limiter held back, for the metrics: calls that had to wait, and their waits summed.
  private long heldInserts;
  private long heldInsertNanos;
  private long heldSamples;
  private long heldSampleNanos;

  /** Limiter settings; {@link #validate} rejects the ones that could deadlock. */
  public record Settings(long minSizeToSample, double samplesPerInsert, double errorBuffer) {

    /** Throws InvalidRequest when these settings are impossible for a replay of this capacity. */
    public Settings validate(long capacity) {
      if (minSizeToSample < 1 || minSizeToSample > capacity) {
        throw new ReplayException.InvalidRequest(
            "min_size_to_sample must be between 1 and the capacity " + capacity + ", got "
                + minSizeToSample);
      }
      if (!(samplesPerInsert >= 0) || Double.isInfinite(samplesPerInsert)) {
        throw new ReplayException.InvalidRequest(
            "samples_per_insert must be finite and >= 0 (0 disables the limiter), got "
                + samplesPerInsert);
      }
      if (samplesPerInsert > 0
          && (!(errorBuffer >= Math.max(1.0, samplesPerInsert)) || Double.isInfinite(errorBuffer))) {
        throw new ReplayException.InvalidRequest(
            "error_buffer must be finite and >= max(1, samples_per_insert) = "
                + Math.max(1.0, samplesPerInsert)
                + ", or inserts and samples could block each other forever; got "
                + errorBuffer);
      }
      return this;
    }
  }

  public RateLimiter(Settings settings, long capacity, LongSupplier replaySize) {
    this.capacity = capacity;
    this.settings = settings.validate(capacity);
    this.replaySize = replaySize;
  }

  public Settings settings() {
    lock.lock();
    try {
      return settings;
    } finally {
      lock.unlock();
    }
  }

  /** Replaces the settings (validated first) and wakes every waiting call. */
  public Settings update(Settings newSettings) {
    newSettings.validate(capacity);
    lock.lock();
    try {
      settings = newSettings;
      changed.signalAll();
      return settings;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the counts over as if the replay's current transitions had just been inserted, with
   * the limiter centred (after a restart or a reload of the index).
   */
  public void reset(long size) {
    lock.lock();
    try {
      inserted = size;
      double spi = settings.samplesPerInsert;
      sampled = spi * Math.max(0, size - settings.minSizeToSample);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Blocks while the actors are too far ahead of the learner; returns early if cancelled. */
  public void awaitInsert(BooleanSupplier cancelled) {
    lock.lock();
    boolean held = false;
    long heldSince = 0;
    try {
      while (settings.samplesPerInsert > 0 && diff() > maxDiff()) {
        if (!held) {
          held = true;
          heldSince = System.nanoTime();
          heldInserts++;
        }
        if (cancelled.getAsBoolean()) {
          throw new ReplayException.Cancelled("insert cancelled while the rate limiter held it");
        }
        changed.awaitNanos(CANCEL_CHECK_NANOS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException.Cancelled("insert interrupted while the rate limiter held it");
    } finally {
      if (held) {
        heldInsertNanos += System.nanoTime() - heldSince;
      }
      lock.unlock();
    }
  }

  public void inserted(long transitions) {
    if (transitions == 0) {
      return;
    }
    lock.lock();
    try {
      inserted += transitions;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code timeoutMs} until a batch may be sampled. Below the minimum size it fails at
   * once (FailedPrecondition); when the wait runs out, with RateLimited.
   */
  public void awaitSample(int batchSize, long timeoutMs) {
    lock.lock();
    boolean held = false;
    long heldSince = 0;
    try {
      long size = replaySize.getAsLong();
      if (size < settings.minSizeToSample) {
        throw new ReplayException.FailedPrecondition(
            "the replay holds " + size + " transitions; sampling starts at "
                + settings.minSizeToSample
                + " (min_size_to_sample): insert more, or lower it with SetRateLimiter");
      }
      if (settings.samplesPerInsert > 0 && batchSize > 2 * settings.errorBuffer) {
        throw new ReplayException.FailedPrecondition(
            "a batch of " + batchSize + " can never pass a rate limiter with error_buffer "
                + settings.errorBuffer + ": raise error_buffer to at least " + (batchSize + 1) / 2
                + " with SetRateLimiter, or sample smaller batches");
      }
      long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (settings.samplesPerInsert > 0 && diff() - batchSize < minDiff()) {
        if (!held) {
          held = true;
          heldSince = System.nanoTime();
          heldSamples++;
        }
        if (remaining <= 0) {
          throw new ReplayException.RateLimited(
              "the rate limiter held the sample longer than timeout_ms=" + timeoutMs + ": "
                  + String.format("%.0f", sampled) + " transitions sampled for "
                  + String.format("%.0f", inserted) + " inserted at samples_per_insert="
                  + settings.samplesPerInsert
                  + "; wait for the actors to insert more, or raise timeout_ms");
        }
        remaining = changed.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException.Cancelled("sample interrupted while the rate limiter held it");
    } finally {
      if (held) {
        heldSampleNanos += System.nanoTime() - heldSince;
      }
      lock.unlock();
    }
  }

  public void sampled(int transitions) {
    lock.lock();
    try {
      sampled += transitions;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** What the limiter has held back since it was made; the counts only grow. */
  public record Held(long inserts, long insertNanos, long samples, long sampleNanos) {}

  public Held held() {
    lock.lock();
    try {
      return new Held(heldInserts, heldInsertNanos, heldSamples, heldSampleNanos);
    } finally {
      lock.unlock();
    }
  }

  private double diff() {
    return inserted * settings.samplesPerInsert - sampled;
  }

  private double minDiff() {
    return settings.samplesPerInsert * settings.minSizeToSample - settings.errorBuffer;
  }

  private double maxDiff() {
    return settings.samplesPerInsert * settings.minSizeToSample + settings.errorBuffer;
  }
}
