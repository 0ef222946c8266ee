package dqn.inference.batching;

import dqn.inference.model.InferenceFailedException;
import dqn.inference.model.InputSignature;
import dqn.inference.model.QModel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Merges concurrent calls of one model into one run and splits the Q-values back.
 *
 * <p>A call that finds a free run slot and nobody queued runs at once, alone: light traffic gets no
 * added delay. Otherwise it queues and its thread sleeps on a condition. When a slot frees, the
 * oldest queued call becomes the leader: it takes queued calls up to the batch limit (waiting for
 * more only while the oldest of them has waited less than the policy's maximum wait), runs them on
 * its own thread, hands each caller its rows and wakes them. Nothing spins.
 */
public final class DynamicBatcher implements QModel {

  private final QModel model;
  private final BatchPolicy policy;
  private final BatchListener listener;
  private final long maxWaitNanos;
  private final long quietNanos;
  private final long longestImmediateRunNanos;
  private final int columns;

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a call queues, for a leader waiting to fill its batch. */
  private final Condition arrivals = lock.newCondition();

  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private int runsInFlight;
  private long lastRunEndNanos;
  private long lastRunNanos;

  public DynamicBatcher(QModel model, BatchPolicy policy, BatchListener listener) {
    this.model = model;
    this.policy = policy;
    this.listener = listener;
    this.maxWaitNanos = policy.maxWait().toNanos();
    this.quietNanos = policy.quietBeforeImmediate().toNanos();
    this.longestImmediateRunNanos = policy.longestImmediateRun().toNanos();
    this.lastRunEndNanos = System.nanoTime() - quietNanos;
    this.columns = model.signature().numActions();
  }

  @Override
  public InputSignature signature() {
    return model.signature();
  }

  @Override
  public Map<String, String> fileMetadata() {
    return model.fileMetadata();
  }

  @Override
  public float[] forward(List<ByteBuffer> slices, int rows) {
    if (!policy.enabled()) {
      return runAlone(slices, rows);
    }
    Call call = new Call(slices, rows, lock.newCondition());
    List<Call> batch;
    lock.lock();
    try {
      if (runsInFlight < policy.concurrentRuns() && queue.isEmpty()) {
        runsInFlight++;
        batch = List.of(call);
      } else {
        queue.addLast(call);
        arrivals.signalAll();
        promoteLeader();
        while (call.state == State.QUEUED) {
          call.turn.awaitUninterruptibly();
        }
        if (call.state == State.DONE) {
          return call.answer();
        }
        batch = collectBatch(call);
      }
    } finally {
      lock.unlock();
    }
    return runAsLeader(batch, call);
  }

  /**
   * Runs at once, alone, when nothing runs, nobody is queued, the last run ended at least the
   * policy's quiet time ago and took no longer than its longest immediate run; otherwise returns
   * null without waiting. The quiet time tells a lone caller from a burst: a caller's next request
   * comes a network round trip after its answer, while requests already waiting in a connection
   * arrive right after the previous run. With batching off it always returns null, so every call
   * goes through {@link #forward} on a thread that may block.
   */
  @Override
  public float[] forwardWithoutWaiting(List<ByteBuffer> slices, int rows) {
    if (!policy.enabled()) {
      return null;
    }
    Call call = new Call(slices, rows, null);
    lock.lock();
    try {
      if (runsInFlight > 0
          || !queue.isEmpty()
          || System.nanoTime() - lastRunEndNanos < quietNanos
          || lastRunNanos > longestImmediateRunNanos) {
        return null;
      }
      runsInFlight++;
    } finally {
      lock.unlock();
    }
    return runAsLeader(List.of(call), call);
  }

  /** Calls waiting for a run slot right now. */
  public int queuedCalls() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private float[] runAlone(List<ByteBuffer> slices, int rows) {
    long start = System.nanoTime();
    float[] qValues = model.forward(slices, rows);
    listener.runFinished(1, rows, System.nanoTime() - start);
    return qValues;
  }

  /** Called by the leader with the lock held and a run slot reserved for it. */
  private List<Call> collectBatch(Call leader) {
    List<Call> batch = new ArrayList<>();
    batch.add(leader);
    int rows = leader.rows;
    long deadline = leader.queuedAtNanos + maxWaitNanos;
    boolean interrupted = false;
    while (true) {
      while (!queue.isEmpty() && rows + queue.peekFirst().rows <= policy.maxBatchRows()) {
        Call next = queue.pollFirst();
        rows += next.rows;
        batch.add(next);
      }
      long left = deadline - System.nanoTime();
      if (rows >= policy.maxBatchRows() || !queue.isEmpty() || left <= 0) {
        break;
      }
      try {
        arrivals.awaitNanos(left);
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return batch;
  }

  private float[] runAsLeader(List<Call> batch, Call leader) {
    long started = System.nanoTime();
    try {
      List<ByteBuffer> slices = new ArrayList<>();
      int rows = 0;
      for (Call call : batch) {
        slices.addAll(call.slices);
        rows += call.rows;
      }
      float[] qValues;
      try {
        qValues = model.forward(slices, rows);
      } catch (RuntimeException e) {
        fail(batch, e);
        throw e;
      }
      listener.runFinished(batch.size(), rows, System.nanoTime() - started);
      return split(batch, leader, qValues);
    } finally {
      lock.lock();
      try {
        runsInFlight--;
        lastRunEndNanos = System.nanoTime();
        lastRunNanos = lastRunEndNanos - started;
        promoteLeader();
      } finally {
        lock.unlock();
      }
    }
  }

  private float[] split(List<Call> batch, Call leader, float[] qValues) {
    float[] leaderAnswer = null;
    int offset = 0;
    lock.lock();
    try {
      for (Call call : batch) {
        int length = call.rows * columns;
        float[] part = new float[length];
        System.arraycopy(qValues, offset, part, 0, length);
        offset += length;
        if (call == leader) {
          leaderAnswer = part;
        } else {
          call.finish(part, null);
        }
      }
    } finally {
      lock.unlock();
    }
    return leaderAnswer;
  }

  private void fail(List<Call> batch, RuntimeException cause) {
    lock.lock();
    try {
      for (Call call : batch) {
        call.finish(null, cause);
      }
    } finally {
      lock.unlock();
    }
  }

  /** With the lock held: hands a free run slot to the oldest queued call. */
  private void promoteLeader() {
    if (runsInFlight < policy.concurrentRuns() && !queue.isEmpty()) {
      Call next = queue.pollFirst();
      runsInFlight++;
      next.state = State.LEADER;
      next.turn.signal();
    }
  }

  @Override
  public void close() {
    model.close();
  }

  private enum State {
    QUEUED,
    LEADER,
    DONE
  }

  /** One caller's observations and, once run, its answer. Guarded by the batcher's lock. */
  private static final class Call {
    final List<ByteBuffer> slices;
    final int rows;
    final Condition turn;
    final long queuedAtNanos = System.nanoTime();
    State state = State.QUEUED;
    float[] qValues;
    RuntimeException failure;

    Call(List<ByteBuffer> slices, int rows, Condition turn) {
      this.slices = slices;
      this.rows = rows;
      this.turn = turn;
    }

    void finish(float[] qValues, RuntimeException failure) {
      this.qValues = qValues;
      this.failure = failure;
      this.state = State.DONE;
      turn.signal();
    }

    float[] answer() {
      if (failure != null) {
        throw new InferenceFailedException(
            "the batched run this request joined failed: " + failure.getMessage(), failure);
      }
      return qValues;
    }
  }
}
