package dqn.replay.buffer;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.ReplayStore.ChunkAppend;
import dqn.replay.buffer.ReplayStore.Commit;
import dqn.replay.buffer.ReplayStore.StepRecord;
import dqn.replay.buffer.ReplayStore.StoredReplay;
import dqn.replay.buffer.ReplayStore.StoredStream;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.sampling.PrioritizedSampler;
import dqn.replay.sampling.Sampler;
import dqn.replay.sampling.UniformSampler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The experience replay: per-stream {@link TransitionAccumulator}s over a {@link ReplayStore}, two
 * {@link Sampler}s (uniform and prioritized) over a ring of {@code capacity} slots, and a {@link
 * RateLimiter}.
 *
 * <p>Every stored step takes the slot {@code globalIndex % capacity}, where the global index
 * counts steps ever inserted; a new step evicts the slot's previous occupant, so eviction is FIFO
 * over the whole replay. The in-memory index (accumulators, slots, sampler trees) changes only
 * after the store has committed, so nothing that is not durable is ever sampled; when a commit
 * fails the store may be ahead of the index, and the index is rebuilt from the store before the
 * next call. Priorities are not stored: after a rebuild every transition is at the maximum.
 *
 * <p>This class holds the locks and the order of things; {@link InsertChecks} checks a request,
 * {@link CommitPlanner} plans its store write, {@link SlotIndex} says what each slot holds, and
 * {@link BatchAssembler} turns drawn slots into a batch.
 */
public final class Replay implements AutoCloseable {

  private final ReplaySettings settings;
  private final ReplayStore store;
  private final Lz4FrameCodec codec;
  private final RateLimiter limiter;
  private final Random rng;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final RateMeter insertRate = new RateMeter();
  private final RateMeter sampleRate = new RateMeter();
  private final AtomicLong totalSampled = new AtomicLong();
  private final AtomicLong batchesSampled = new AtomicLong();

  private final SlotIndex index;
  private final CommitPlanner planner;
  private final BatchAssembler assembler;
  private UniformSampler uniform;
  private PrioritizedSampler prioritized;
  private long insertedTotal;
  private long liveSteps;
  private long liveFrameBytes;
  private volatile long size;
  /** A commit failed without knowing whether the store applied it: rebuild before going on. */
  private volatile boolean stale;

  public Replay(
      ReplaySettings settings,
      RateLimiter.Settings limiterSettings,
      ReplayStore store,
      Lz4FrameCodec codec) {
    this.settings = settings.validate();
    this.store = store;
    this.codec = codec;
    this.rng = new Random(settings.seed());
    this.index = new SlotIndex(settings.capacity());
    this.planner = new CommitPlanner(this.settings);
    this.assembler = new BatchAssembler(this.settings, store, codec);
    this.limiter = new RateLimiter(limiterSettings, settings.capacity(), () -> size);
    lock.writeLock().lock();
    try {
      rebuild();
    } finally {
      lock.writeLock().unlock();
    }
  }

  public ReplaySettings settings() {
    return settings;
  }

  /** Transitions that can be sampled now. */
  public long size() {
    return size;
  }

  /**
   * Appends steps to a stream once they are durable in the store. Steps at or below the stream's
   * last stored sequence are skipped, so a resent batch is stored once. Blocks while the rate
   * limiter holds inserts back (until {@code cancelled} says the caller is gone).
   */
  public InsertResult insert(String streamId, List<Step> steps, BooleanSupplier cancelled) {
    InsertChecks.request(settings, streamId, steps);
    byte[][] compressed = new byte[steps.size()][];
    for (int i = 0; i < steps.size(); i++) {
      compressed[i] = codec.compress(steps.get(i).frame());
    }
    limiter.awaitInsert(cancelled);
    long added;
    long acked;
    lock.writeLock().lock();
    try {
      refreshIfStale();
      TransitionAccumulator stream = index.stream(streamId);
      long next = stream == null ? 0 : stream.next();
      int skip = 0;
      while (skip < steps.size() && steps.get(skip).sequence() < next) {
        skip++;
      }
      if (skip == steps.size()) {
        return new InsertResult(next - 1, 0);
      }
      List<Step> fresh = steps.subList(skip, steps.size());
      InsertChecks.streamOrder(streamId, stream, next, fresh);
      int serial = stream == null ? index.nextSerial() : stream.serial();
      List<CommitPlanner.Eviction> evictions = planner.evictions(index, insertedTotal, fresh.size(), serial);
      Commit commit = planner.commit(insertedTotal, streamId, stream, serial, fresh, skip, compressed, evictions);
      try {
        store.commit(commit);
      } catch (ReplayException.StoreUnavailable e) {
        stale = true;
        throw e;
      }
      if (stream == null) {
        stream = new TransitionAccumulator(streamId, serial, 0, settings.nStep(), settings.frameStack());
        index.addStream(stream);
      }
      added = apply(stream, fresh, commit, evictions);
      acked = stream.next() - 1;
    } finally {
      lock.writeLock().unlock();
    }
    limiter.inserted(added);
    insertRate.add(added);
    return new InsertResult(acked, added);
  }

  private long apply(
      TransitionAccumulator stream, List<Step> fresh, Commit commit, List<CommitPlanner.Eviction> evictions) {
    int evicted = 0;
    long[] added = {0};
    int appendIndex = 0;
    int recordIndex = 0;
    for (int j = 0; j < fresh.size(); j++) {
      long global = insertedTotal + j;
      int slot = (int) (global % settings.capacity());
      if (global >= settings.capacity() && index.occupied(slot)) {
        evict(evictions.get(evicted++));
      }
      ChunkAppend append = commit.appends().get(appendIndex);
      StepRecord record = append.steps().get(recordIndex);
      if (++recordIndex == append.steps().size()) {
        appendIndex++;
        recordIndex = 0;
      }
      stream.append(
          record.flags(), record.action(), record.reward(), slot, record.offset(),
          record.length(), record.offset() + record.length(),
          t -> {
            addTransition(stream, t);
            added[0]++;
          });
      index.put(slot, stream.serial(), record.sequence());
      liveSteps++;
      liveFrameBytes += record.length();
    }
    insertedTotal += fresh.size();
    size = uniform.size();
    return added[0];
  }

  private void evict(CommitPlanner.Eviction eviction) {
    TransitionAccumulator owner = index.stream(eviction.stream());
    liveSteps--;
    liveFrameBytes -= owner.length(eviction.sequence());
    index.free(owner.slot(eviction.sequence()));
    owner.evictOldest(t -> retireTransition(owner, t));
    if (eviction.tailDeleted()) {
      owner.tailChunkDeleted();
    }
  }

  private void addTransition(TransitionAccumulator stream, long t) {
    int slot = stream.slot(t);
    uniform.add(slot);
    prioritized.add(slot);
  }

  private void retireTransition(TransitionAccumulator stream, long t) {
    int slot = stream.slot(t);
    uniform.remove(slot);
    prioritized.remove(slot);
  }

  /**
   * Draws a batch of n-step transitions. Fails at once below the minimum fill; waits up to {@code
   * timeoutMs} for the rate limiter. {@code mode} and {@code beta} may be null for the defaults.
   */
  public SampledBatch sample(int batchSize, SamplingMode mode, Float beta, long timeoutMs) {
    if (batchSize < 1 || batchSize > settings.maxBatchSize()) {
      throw new ReplayException.InvalidRequest(
          "batch_size must be in 1.." + settings.maxBatchSize() + " (dqn.replay.max-batch-size), got "
              + batchSize);
    }
    if (beta != null && !(beta >= 0 && beta <= 1)) {
      throw new ReplayException.InvalidRequest("beta must be in [0, 1], got " + beta);
    }
    if (timeoutMs < 0) {
      throw new ReplayException.InvalidRequest("timeout_ms must be >= 0, got " + timeoutMs);
    }
    refreshIfStaleLocked();
    limiter.awaitSample(batchSize, timeoutMs);
    SampledBatch batch;
    lock.readLock().lock();
    try {
      batch = draw(batchSize, mode == null ? settings.defaultMode() : mode, beta);
    } finally {
      lock.readLock().unlock();
    }
    limiter.sampled(batchSize);
    sampleRate.add(batchSize);
    totalSampled.addAndGet(batchSize);
    return batch;
  }

  /** Beta of the importance weights: from beta-start to 1 over beta-anneal-batches samples. */
  private double scheduledBeta() {
    double progress = Math.min(1.0, (double) batchesSampled.get() / settings.betaAnnealBatches());
    return settings.betaStart() + (1 - settings.betaStart()) * progress;
  }

  private SampledBatch draw(int batchSize, SamplingMode mode, Float beta) {
    if (size == 0) {
      throw new ReplayException.FailedPrecondition("the replay holds no sampleable transition");
    }
    Sampler sampler = mode == SamplingMode.PRIORITIZED ? prioritized : uniform;
    double effectiveBeta = beta != null ? beta : scheduledBeta();
    batchesSampled.incrementAndGet();
    Sampler.Draw draw;
    synchronized (rng) {
      draw = sampler.draw(batchSize, effectiveBeta, rng);
    }
    return assembler.assemble(index, draw);
  }

  /**
   * Sets new priorities (finite, ≥ 0) by transition id. Ids evicted since they were sampled are
   * skipped; ids this replay never handed out fail the whole request. Returns the number updated.
   */
  public long updatePriorities(long[] ids, float[] priorities) {
    if (ids.length != priorities.length) {
      throw new ReplayException.InvalidRequest(
          "ids and priorities must have the same length, got " + ids.length + " and "
              + priorities.length);
    }
    for (int i = 0; i < priorities.length; i++) {
      if (!(priorities[i] >= 0) || Float.isInfinite(priorities[i])) {
        throw new ReplayException.InvalidRequest(
            "priorities[" + i + "] (id " + Long.toUnsignedString(ids[i]) + ") is " + priorities[i]
                + ": priorities must be finite and >= 0, typically |TD error|");
      }
    }
    refreshIfStaleLocked();
    lock.writeLock().lock();
    try {
      for (long id : ids) {
        TransitionAccumulator stream = index.stream(TransitionIds.serial(id));
        long seq = TransitionIds.sequence(id);
        if (stream == null
            || seq >= stream.next()
            || (stream.contains(seq) && !stream.wasReady(seq))) {
          throw new ReplayException.UnknownTransition(
              "id " + Long.toUnsignedString(id) + " is not a transition this replay handed out; use the ids of a"
                  + " SampleResponse");
        }
      }
      // A repeated id is counted once; its last priority holds.
      Set<Long> updated = new HashSet<>();
      for (int i = 0; i < ids.length; i++) {
        TransitionAccumulator stream = index.stream(TransitionIds.serial(ids[i]));
        long seq = TransitionIds.sequence(ids[i]);
        if (stream.isSampleable(seq)) {
          prioritized.update(stream.slot(seq), priorities[i]);
          updated.add(ids[i]);
        }
      }
      return updated.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  public RateLimiter.Settings rateLimiter() {
    return limiter.settings();
  }

  public RateLimiter.Settings setRateLimiter(RateLimiter.Settings newSettings) {
    return limiter.update(newSettings);
  }

  /** Whether the store can be reached now (what the service's readiness follows). */
  public boolean storeReachable() {
    return store.reachable();
  }

  /** What the rate limiter has held back since the service started. */
  public RateLimiter.Held rateLimiterHeld() {
    return limiter.held();
  }

  public ReplayStatistics statistics() {
    long steps;
    long frameBytes;
    long inserted;
    int streamCount;
    lock.readLock().lock();
    try {
      steps = liveSteps;
      frameBytes = liveFrameBytes;
      inserted = insertedTotal;
      streamCount = index.streamCount();
    } finally {
      lock.readLock().unlock();
    }
    double ratio = frameBytes == 0 ? 0 : (double) steps * settings.frameBytes() / frameBytes;
    return new ReplayStatistics(
        size, settings.capacity(), store.bytesUsed(), insertRate.perSecond(),
        sampleRate.perSecond(), ratio, inserted, totalSampled.get(), store.kind(), streamCount,
        settings.nStep(), settings.gamma(), limiter.settings(), settings.frameStack(),
        settings.frameHeight(), settings.frameWidth());
  }

  private void refreshIfStaleLocked() {
    if (!stale) {
      return;
    }
    lock.writeLock().lock();
    try {
      refreshIfStale();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void refreshIfStale() {
    if (stale) {
      rebuild();
      stale = false;
    }
  }

  /** Rebuilds the whole index from the store (start-up, and after a failed commit). */
  private void rebuild() {
    StoredReplay stored = store.load();
    index.clear();
    uniform = new UniformSampler(settings.capacity());
    prioritized =
        new PrioritizedSampler(
            settings.capacity(), settings.priorityAlpha(), settings.priorityEpsilon());
    insertedTotal = stored.insertedTotal();
    liveSteps = 0;
    liveFrameBytes = 0;
    long oldestLive = insertedTotal - settings.capacity();
    List<StoredStream> sorted = new ArrayList<>(stored.streams());
    sorted.sort((a, b) -> Integer.compare(a.serial(), b.serial()));
    for (StoredStream s : sorted) {
      if (s.serial() != index.nextSerial()) {
        throw new IllegalStateException(
            "the store lists stream serials with a gap before " + s.serial() + " (" + s.name()
                + "): it was not written by this replay-service");
      }
      List<StepRecord> live =
          s.steps().stream().filter(r -> r.globalIndex() >= oldestLive).toList();
      long first = live.isEmpty() ? s.nextSequence() : live.get(0).sequence();
      TransitionAccumulator stream =
          new TransitionAccumulator(s.name(), s.serial(), first, settings.nStep(), settings.frameStack());
      for (StepRecord r : live) {
        if (r.sequence() != stream.next()) {
          throw new IllegalStateException(
              "stream " + s.name() + " misses step " + stream.next() + " in the store");
        }
        int slot = (int) (r.globalIndex() % settings.capacity());
        stream.append(
            r.flags(), r.action(), r.reward(), slot, r.offset(), r.length(),
            r.offset() + r.length(), t -> addTransition(stream, t));
        index.put(slot, s.serial(), r.sequence());
        liveSteps++;
        liveFrameBytes += r.length();
      }
      if (stream.next() != s.nextSequence()) {
        throw new IllegalStateException(
            "stream " + s.name() + " records next sequence " + s.nextSequence()
                + " but its stored steps end at " + (stream.next() - 1));
      }
      index.addStream(stream);
    }
    size = uniform.size();
    limiter.reset(size);
  }

  @Override
  public void close() {
    store.close();
  }
}
