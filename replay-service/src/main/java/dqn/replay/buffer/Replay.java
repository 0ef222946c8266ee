package dqn.replay.buffer;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.ReplayStore.ByteRange;
import dqn.replay.buffer.ReplayStore.ChunkAppend;
import dqn.replay.buffer.ReplayStore.ChunkId;
import dqn.replay.buffer.ReplayStore.Commit;
import dqn.replay.buffer.ReplayStore.NewStream;
import dqn.replay.buffer.ReplayStore.StepRecord;
import dqn.replay.buffer.ReplayStore.StoredReplay;
import dqn.replay.buffer.ReplayStore.StoredStream;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.sampling.PrioritizedSampler;
import dqn.replay.sampling.Sampler;
import dqn.replay.sampling.UniformSampler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 */
public final class Replay implements AutoCloseable {

  private static final int SEQUENCE_BITS = 40;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
  private static final int MAX_STREAM_ID_LENGTH = 256;

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

  private final Map<String, TransitionAccumulator> streams = new HashMap<>();
  private final List<TransitionAccumulator> bySerial = new ArrayList<>();
  private final int[] slotStream;
  private final long[] slotSequence;
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
    this.slotStream = new int[settings.capacity()];
    this.slotSequence = new long[settings.capacity()];
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

  public String storeKind() {
    return store.kind();
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
    validateInsert(streamId, steps);
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
      TransitionAccumulator stream = streams.get(streamId);
      long next = stream == null ? 0 : stream.next();
      int skip = 0;
      while (skip < steps.size() && steps.get(skip).sequence() < next) {
        skip++;
      }
      if (skip == steps.size()) {
        return new InsertResult(next - 1, 0);
      }
      List<Step> fresh = steps.subList(skip, steps.size());
      checkStreamOrder(streamId, stream, next, fresh);
      int serial = stream == null ? bySerial.size() : stream.serial();
      List<Eviction> evictions = planEvictions(fresh.size(), serial);
      Commit commit = planCommit(streamId, stream, serial, fresh, skip, compressed, evictions);
      try {
        store.commit(commit);
      } catch (ReplayException.StoreUnavailable e) {
        stale = true;
        throw e;
      }
      if (stream == null) {
        stream = new TransitionAccumulator(streamId, serial, 0, settings.nStep(), settings.frameStack());
        streams.put(streamId, stream);
        bySerial.add(stream);
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

  private void validateInsert(String streamId, List<Step> steps) {
    if (streamId == null || streamId.isBlank() || streamId.length() > MAX_STREAM_ID_LENGTH) {
      throw new ReplayException.InvalidRequest(
          "stream_id must be a non-blank name of at most " + MAX_STREAM_ID_LENGTH
              + " characters, e.g. \"actor-3\"");
    }
    if (steps.isEmpty()) {
      throw new ReplayException.InvalidRequest(
          "an InsertRequest needs at least one step (stream " + streamId + ")");
    }
    if (steps.size() > settings.maxStepsPerInsert()) {
      throw new ReplayException.InvalidRequest(
          "a request holds at most " + settings.maxStepsPerInsert() + " steps, got " + steps.size()
              + ": split the batch (dqn.replay.max-steps-per-insert)");
    }
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.frame().length != settings.frameBytes()) {
        throw new ReplayException.InvalidRequest(
            "step " + step.sequence() + " of stream " + streamId + ": frame has "
                + step.frame().length + " bytes; expected one uint8 " + settings.frameHeight()
                + "x" + settings.frameWidth() + " frame = " + settings.frameBytes()
                + " bytes (dqn.replay.frame-height/frame-width)");
      }
      if (!step.episodeStart() && (step.action() < 0 || !Float.isFinite(step.reward()))) {
        throw new ReplayException.InvalidRequest(
            "step " + step.sequence() + " of stream " + streamId
                + ": action must be >= 0 and reward finite, got action " + step.action()
                + " and reward " + step.reward());
      }
      if (i > 0 && step.sequence() != steps.get(i - 1).sequence() + 1) {
        throw new ReplayException.InvalidRequest(
            "steps of a request must have consecutive sequence numbers; after "
                + steps.get(i - 1).sequence() + " came " + step.sequence());
      }
    }
  }

  private void checkStreamOrder(
      String streamId, TransitionAccumulator stream, long next, List<Step> fresh) {
    long first = fresh.get(0).sequence();
    if (first != next) {
      throw new ReplayException.FailedPrecondition(
          stream == null
              ? "stream " + streamId + " is new: its first step must have sequence 0, got " + first
              : "stream " + streamId + " has every step up to " + (next - 1)
                  + " stored; the next must have sequence " + next + ", got " + first
                  + ": resend from " + next);
    }
    boolean open = stream != null && stream.episodeOpen();
    for (Step step : fresh) {
      if (step.episodeStart()) {
        open = true;
      } else if (!open) {
        throw new ReplayException.FailedPrecondition(
            "stream " + streamId + " has no open episode at sequence " + step.sequence()
                + ": send a step with episode_start=true first (a stream's first step and the step"
                + " after a terminated or truncated one must start an episode)");
      } else if (step.terminated() || step.truncated()) {
        open = false;
      }
    }
  }

  /** A step that a new step pushes out of its slot; {@code deleteChunk} when its chunk goes too. */
  private record Eviction(int stream, long sequence, boolean deleteChunk, boolean tailDeleted) {}

  private List<Eviction> planEvictions(int count, int insertingSerial) {
    List<Eviction> evictions = new ArrayList<>();
    int k = settings.chunkSteps();
    for (int j = 0; j < count; j++) {
      long global = insertedTotal + j;
      int slot = (int) (global % settings.capacity());
      if (global < settings.capacity() || slotStream[slot] < 0) {
        continue;
      }
      TransitionAccumulator owner = bySerial.get(slotStream[slot]);
      long e = slotSequence[slot];
      boolean chunkEnd = e % k == k - 1;
      // A stream that loses its newest step loses its tail chunk too (another stream's only).
      boolean tail = !chunkEnd && e == owner.next() - 1 && owner.serial() != insertingSerial;
      evictions.add(new Eviction(owner.serial(), e, chunkEnd || tail, tail));
    }
    return evictions;
  }

  private Commit planCommit(
      String streamId,
      TransitionAccumulator stream,
      int serial,
      List<Step> fresh,
      int skip,
      byte[][] compressed,
      List<Eviction> evictions) {
    int k = settings.chunkSteps();
    List<ChunkAppend> appends = new ArrayList<>();
    long next = fresh.get(0).sequence();
    int dataLength = stream == null || next % k == 0 ? 0 : stream.tailChunkLength();
    long chunk = next / k;
    int chunkStart = dataLength;
    List<StepRecord> records = new ArrayList<>();
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int j = 0; j < fresh.size(); j++) {
      Step step = fresh.get(j);
      long seq = step.sequence();
      if (seq / k != chunk) {
        appends.add(new ChunkAppend(serial, chunk, chunkStart, records, frames.toByteArray()));
        chunk = seq / k;
        dataLength = 0;
        chunkStart = 0;
        records = new ArrayList<>();
        frames = new ByteArrayOutputStream();
      }
      byte[] frame = compressed[skip + j];
      records.add(
          new StepRecord(
              seq, insertedTotal + j, flagsOf(step), step.action(), step.reward(), dataLength,
              frame.length));
      frames.writeBytes(frame);
      dataLength += frame.length;
    }
    appends.add(new ChunkAppend(serial, chunk, chunkStart, records, frames.toByteArray()));
    List<ChunkId> deletes = new ArrayList<>();
    for (Eviction e : evictions) {
      if (e.deleteChunk()) {
        deletes.add(new ChunkId(e.stream(), e.sequence() / k));
      }
    }
    List<NewStream> newStreams =
        stream == null ? List.of(new NewStream(streamId, serial)) : List.of();
    long nextSequence = fresh.get(fresh.size() - 1).sequence() + 1;
    return new Commit(
        newStreams, appends, deletes, Map.of(serial, nextSequence), insertedTotal + fresh.size());
  }

  private static byte flagsOf(Step step) {
    if (step.episodeStart()) {
      return ReplayStore.EPISODE_START;
    }
    return (byte)
        ((step.terminated() ? ReplayStore.TERMINATED : 0)
            | (step.truncated() ? ReplayStore.TRUNCATED : 0));
  }

  private long apply(
      TransitionAccumulator stream, List<Step> fresh, Commit commit, List<Eviction> evictions) {
    int evicted = 0;
    long[] added = {0};
    int appendIndex = 0;
    int recordIndex = 0;
    for (int j = 0; j < fresh.size(); j++) {
      long global = insertedTotal + j;
      int slot = (int) (global % settings.capacity());
      if (global >= settings.capacity() && slotStream[slot] >= 0) {
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
      slotStream[slot] = stream.serial();
      slotSequence[slot] = record.sequence();
      liveSteps++;
      liveFrameBytes += record.length();
    }
    insertedTotal += fresh.size();
    size = uniform.size();
    return added[0];
  }

  private void evict(Eviction eviction) {
    TransitionAccumulator owner = bySerial.get(eviction.stream());
    liveSteps--;
    liveFrameBytes -= owner.length(eviction.sequence());
    slotStream[owner.slot(eviction.sequence())] = -1;
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
    int k = settings.chunkSteps();
    int frameBytes = settings.frameBytes();
    int stack = settings.frameStack();
    long[] ids = new long[batchSize];
    int[] actions = new int[batchSize];
    float[] returns = new float[batchSize];
    float[] discounts = new float[batchSize];
    long[] windowStart = new long[batchSize];
    int[] stepsTaken = new int[batchSize];
    int[] firstRange = new int[batchSize];
    List<ByteRange> ranges = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      int slot = draw.slots()[i];
      TransitionAccumulator stream = bySerial.get(slotStream[slot]);
      long t = slotSequence[slot];
      int m = stream.stepsTaken(t);
      ids[i] = ((long) stream.serial() << SEQUENCE_BITS) | t;
      actions[i] = stream.action(t + 1);
      double ret = 0;
      double discount = 1;
      for (int j = 1; j <= m; j++) {
        float r = stream.reward(t + j);
        ret += discount * (settings.clipRewards() ? Math.signum(r) : r);
        discount *= settings.gamma();
      }
      returns[i] = (float) ret;
      discounts[i] = stream.terminated(t + m) ? 0f : (float) discount;
      stepsTaken[i] = m;
      long lo = stream.stackedFrame(t, 0);
      long hi = t + m;
      windowStart[i] = lo;
      firstRange[i] = ranges.size();
      for (long c = lo / k; c <= hi / k; c++) {
        long a = Math.max(lo, c * k);
        long b = Math.min(hi, c * k + k - 1);
        ranges.add(
            new ByteRange(
                stream.serial(), c, stream.offset(a), stream.offset(b) + stream.length(b)));
      }
    }
    byte[][] bytes = store.read(ranges);
    // Every compressed frame the batch's states need, copied out once (transitions of one episode
    // share frames); both states of each transition point into the list.
    List<byte[]> frames = new ArrayList<>();
    Map<FrameKey, Integer> frameIndex = new HashMap<>();
    int[] observationFrames = new int[batchSize * stack];
    int[] nextObservationFrames = new int[batchSize * stack];
    for (int i = 0; i < batchSize; i++) {
      TransitionAccumulator stream = bySerial.get(slotStream[draw.slots()[i]]);
      long t = slotSequence[draw.slots()[i]];
      long lo = windowStart[i];
      long hi = t + stepsTaken[i];
      int range = firstRange[i];
      for (long seq = lo; seq <= hi; seq++) {
        if (seq != lo && seq % k == 0) {
          range++;
        }
        FrameKey key = new FrameKey(stream.serial(), seq);
        if (!frameIndex.containsKey(key)) {
          int from = stream.offset(seq) - ranges.get(range).from();
          frameIndex.put(key, frames.size());
          frames.add(Arrays.copyOfRange(bytes[range], from, from + stream.length(seq)));
        }
      }
      for (int f = 0; f < stack; f++) {
        observationFrames[i * stack + f] = frameIndex.get(new FrameKey(stream.serial(), stream.stackedFrame(t, f)));
        nextObservationFrames[i * stack + f] =
            frameIndex.get(new FrameKey(stream.serial(), stream.stackedFrame(t + stepsTaken[i], f)));
      }
    }
    return new SampledBatch(
        ids, actions, returns, discounts, draw.weights(), draw.probabilities(),
        frames.toArray(byte[][]::new), frameBytes, observationFrames, nextObservationFrames, codec);
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
        TransitionAccumulator stream = streamOf(id);
        long seq = id & SEQUENCE_MASK;
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
        TransitionAccumulator stream = streamOf(ids[i]);
        long seq = ids[i] & SEQUENCE_MASK;
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

  private TransitionAccumulator streamOf(long id) {
    long serial = id >>> SEQUENCE_BITS;
    return serial < bySerial.size() ? bySerial.get((int) serial) : null;
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
      streamCount = bySerial.size();
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
    streams.clear();
    bySerial.clear();
    Arrays.fill(slotStream, -1);
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
      if (s.serial() != bySerial.size()) {
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
        slotStream[slot] = s.serial();
        slotSequence[slot] = r.sequence();
        liveSteps++;
        liveFrameBytes += r.length();
      }
      if (stream.next() != s.nextSequence()) {
        throw new IllegalStateException(
            "stream " + s.name() + " records next sequence " + s.nextSequence()
                + " but its stored steps end at " + (stream.next() - 1));
      }
      streams.put(s.name(), stream);
      bySerial.add(stream);
    }
    size = uniform.size();
    limiter.reset(size);
  }

  @Override
  public void close() {
    store.close();
  }

  /** One stored frame: its stream and sequence number. */
  private record FrameKey(int stream, long sequence) {}
}
