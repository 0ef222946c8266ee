package dqn.client.replay;

import com.google.protobuf.ByteString;
import dqn.client.Channels;
import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.TimeStep;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes actor steps to the replay-service over one Insert stream, for any number of actor streams.
 * Steps are numbered per stream and kept until the replay acknowledges them; after a failure the
 * writer reconnects (with backoff) and resends what was not acknowledged, which the replay stores
 * once thanks to the sequence numbers. At most {@code maxUnackedSteps} are held: beyond that
 * {@link #append} waits for acknowledgements (the replay's rate limiter holds acknowledgements back
 * when the learner falls behind), so a slow replay slows its actors down instead of filling memory.
 *
 * <p>A replay that answers FAILED_PRECONDITION has lost the streams' history (an in-memory replay
 * that restarted): each stream then starts again under a new id at its next episode start, and the
 * steps before it, which the replay could not place, are dropped and counted.
 *
 * <p>One caller thread at a time (an actor loop); acknowledgements arrive on gRPC's threads.
 */
public final class ReplayWriter implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReplayWriter.class.getName());
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * @param stepsPerRequest steps of one stream sent together (an episode end sends at once)
   * @param maxUnackedSteps steps held (pending and unacknowledged) before {@link #append} waits
   * @param backoffInitial first wait after a failure; doubles up to {@code backoffMax}
   */
  public record Settings(int stepsPerRequest, int maxUnackedSteps, Duration backoffInitial, Duration backoffMax) {
    public Settings {
      if (stepsPerRequest < 1 || maxUnackedSteps < stepsPerRequest) {
        throw new IllegalArgumentException(
            "steps per request must be at least 1 and at most max unacked steps, got "
                + stepsPerRequest + " and " + maxUnackedSteps);
      }
    }

    public static Settings defaults() {
      return new Settings(32, 4096, Duration.ofMillis(200), Duration.ofSeconds(5));
    }
  }

  private final String target;
  private final ManagedChannel channel;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Stream> streams = new LinkedHashMap<>();
  private final Map<String, Stream> byWireId = new HashMap<>();

  private Call call;
  private int held;
  private long acked;
  private long dropped;
  private long waitNanos;
  private volatile String problem = "";
  private Duration backoff;

  private ReplayWriter(String target, ManagedChannel channel, Settings settings) {
    this.target = target;
    this.channel = channel;
    this.settings = settings;
    this.backoff = settings.backoffInitial();
  }

  /** A writer to the replay-service at host:port; connects on the first send. */
  public static ReplayWriter connect(String target, Settings settings) {
    return connect(target, java.util.Optional.empty(), settings);
  }

  /** The same, sending {@code authorization: Bearer <token>} when the replay requires one. */
  public static ReplayWriter connect(String target, java.util.Optional<String> bearerToken, Settings settings) {
    return new ReplayWriter(target, Channels.open(target, bearerToken), settings);
  }

  /**
   * Appends one step to a stream. A stream's first step, and the step after one that terminated or
   * truncated an episode, must start an episode.
   *
   * @param frame the newest preprocessed frame after the step (copied)
   * @throws InterruptedException while waiting for room or for the replay to come back
   */
  public void append(
      String stream, boolean episodeStart, int action, float reward, boolean terminated, boolean truncated, byte[] frame)
      throws InterruptedException {
    lock.lock();
    try {
      awaitRoom(settings.maxUnackedSteps() - 1);
      Stream s = streams.computeIfAbsent(stream, Stream::new);
      if (s.awaitingEpisodeStart && !episodeStart) {
        dropped++;
        return;
      }
      s.awaitingEpisodeStart = false;
      s.pending.add(
          TimeStep.newBuilder()
              .setSequence(s.nextSequence++)
              .setEpisodeStart(episodeStart)
              .setAction(action)
              .setReward(reward)
              .setTerminated(terminated)
              .setTruncated(truncated)
              .setFrame(ByteString.copyFrom(frame))
              .build());
      held++;
      if (s.pending.size() >= settings.stepsPerRequest() || terminated || truncated) {
        send(s);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends every pending step and waits until the replay has acknowledged all of them.
   *
   * @throws TimeoutException when that takes longer than {@code timeout}
   */
  public void flush(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      for (Stream s : streams.values()) {
        if (!s.pending.isEmpty()) {
          send(s);
        }
      }
      while (held > 0) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              held + " steps still unacknowledged by the replay-service at " + target + " after " + timeout.toMillis() + " ms");
        }
        if (call != null && call.failed) {
          reconnect();
        } else {
          changed.awaitNanos(POLL_NANOS);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Why steps are not being acknowledged now (the replay unreachable, retrying); empty when fine. */
  public String problem() {
    return problem;
  }

  /** Total time {@link #append} has waited for room or for the replay to come back. */
  public long waitNanos() {
    lock.lock();
    try {
      return waitNanos;
    } finally {
      lock.unlock();
    }
  }

  /** Steps the replay has acknowledged. */
  public long ackedSteps() {
    lock.lock();
    try {
      return acked;
    } finally {
      lock.unlock();
    }
  }

  /** Steps dropped because the replay had lost their stream's history (see the class comment). */
  public long droppedSteps() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Flushes (waiting up to 30 s for acknowledgements), then ends the stream and the channel. */
  @Override
  public void close() throws InterruptedException {
    try {
      flush(Duration.ofSeconds(30));
    } catch (TimeoutException e) {
      LOG.warning("closing the replay writer with unacknowledged steps: " + e.getMessage());
    } finally {
      lock.lock();
      try {
        if (call != null && !call.failed) {
          call.requests.onCompleted();
        }
      } finally {
        lock.unlock();
      }
      Channels.close(channel);
    }
  }

  // ---- with the lock held ------------------------------------------------------------------------

  private void awaitRoom(int maxHeld) throws InterruptedException {
    long started = System.nanoTime();
    while (held > maxHeld || call != null && call.failed) {
      if (call != null && call.failed) {
        reconnect();
      } else {
        // Steps still pending are sent, or many streams could hold the room with nothing to ack.
        for (Stream s : streams.values()) {
          if (!s.pending.isEmpty()) {
            send(s);
          }
        }
        changed.awaitNanos(POLL_NANOS);
      }
    }
    waitNanos += System.nanoTime() - started;
  }

  private void send(Stream s) {
    if (call == null) {
      call = new Call();
    }
    if (call.failed) {
      return; // resent by reconnect()
    }
    List<TimeStep> batch = new ArrayList<>(s.pending);
    s.pending.clear();
    s.unacked.addAll(batch);
    call.requests.onNext(InsertRequest.newBuilder().setStreamId(s.wireId).addAllSteps(batch).build());
  }

  /** Waits out the backoff, opens a new call and resends everything not acknowledged. */
  private void reconnect() throws InterruptedException {
    Status failure = call.failure;
    problem =
        "the replay-service at " + target + " failed (" + failure.getCode() + ": "
            + (failure.getDescription() == null ? "no description" : failure.getDescription())
            + "); retrying in " + backoff.toMillis() + " ms";
    LOG.log(Level.WARNING, problem);
    long sleep = backoff.toNanos();
    while (sleep > 0) {
      sleep = changed.awaitNanos(sleep);
    }
    backoff = backoff.multipliedBy(2).compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : backoff.multipliedBy(2);
    if (failure.getCode() == Status.Code.FAILED_PRECONDITION) {
      restartStreams();
    }
    call = new Call();
    for (Stream s : streams.values()) {
      List<TimeStep> all = new ArrayList<>(s.unacked);
      all.addAll(s.pending);
      s.unacked.clear();
      s.pending.clear();
      for (int from = 0; from < all.size(); from += settings.stepsPerRequest()) {
        List<TimeStep> part = all.subList(from, Math.min(all.size(), from + settings.stepsPerRequest()));
        s.unacked.addAll(part);
        call.requests.onNext(InsertRequest.newBuilder().setStreamId(s.wireId).addAllSteps(part).build());
      }
    }
  }

  /** Every stream starts again under a new id from its first held episode start. */
  private void restartStreams() {
    long before = dropped;
    byWireId.clear();
    for (Stream s : streams.values()) {
      List<TimeStep> all = new ArrayList<>(s.unacked);
      all.addAll(s.pending);
      s.unacked.clear();
      s.pending.clear();
      s.generation++;
      s.wireId = s.name + "~" + s.generation;
      byWireId.put(s.wireId, s);
      s.nextSequence = 0;
      int start = 0;
      while (start < all.size() && !all.get(start).getEpisodeStart()) {
        start++;
      }
      dropped += start;
      held -= start;
      for (TimeStep step : all.subList(start, all.size())) {
        s.pending.add(step.toBuilder().setSequence(s.nextSequence++).build());
      }
      s.awaitingEpisodeStart = s.pending.isEmpty();
    }
    LOG.warning(
        "the replay-service at " + target + " has lost the actors' streams (restarted without"
            + " persistence?): each stream starts again at its next episode; " + (dropped - before)
            + " steps of open episodes dropped");
  }

  private void acknowledged(Call from, InsertAck ack) {
    lock.lock();
    try {
      Stream s = byWireId.get(ack.getStreamId());
      if (from != call || s == null) {
        return;
      }
      while (!s.unacked.isEmpty() && s.unacked.peekFirst().getSequence() <= ack.getAckedSequence()) {
        s.unacked.removeFirst();
        held--;
        acked++;
      }
      problem = "";
      backoff = settings.backoffInitial();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void failed(Call from, Status status) {
    lock.lock();
    try {
      if (from == call && !from.failed) {
        from.failure = status;
        from.failed = true;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** One Insert call and how it ended. */
  private final class Call implements StreamObserver<InsertAck> {
    final StreamObserver<InsertRequest> requests;
    boolean failed;
    Status failure;

    Call() {
      requests = ReplayServiceGrpc.newStub(channel).insert(this);
    }

    @Override
    public void onNext(InsertAck ack) {
      acknowledged(this, ack);
    }

    @Override
    public void onError(Throwable error) {
      failed(this, Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
      failed(this, Status.UNAVAILABLE.withDescription("the replay-service ended the insert stream"));
    }
  }

  /** One actor stream: its numbering, and the steps not yet acknowledged. */
  private final class Stream {
    final String name;
    String wireId;
    int generation;
    long nextSequence;
    boolean awaitingEpisodeStart;
    final Deque<TimeStep> pending = new ArrayDeque<>();
    final Deque<TimeStep> unacked = new ArrayDeque<>();

    Stream(String name) {
      this.name = name;
      this.wireId = name;
      byWireId.put(name, this);
    }
  }
}
