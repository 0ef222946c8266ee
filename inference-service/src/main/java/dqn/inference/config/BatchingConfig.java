package dqn.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Dynamic batching of concurrent Act requests for one model. */
@ConfigMapping(prefix = "dqn.inference.batching")
public interface BatchingConfig {

  /** Merge concurrent requests into one run; false runs each request on its own. */
  @WithDefault("true")
  boolean enabled();

  /** Most observations in one merged run. */
  @WithDefault("32")
  int maxBatchRows();

  /** How long a queued request may wait for others to fill its batch, in microseconds. */
  @WithDefault("500")
  long maxWaitMicros();

  /** Runs of one model that may execute at the same time. */
  @WithDefault("1")
  int concurrentRuns();

  /**
   * Act requests the service holds at once, all models together (waiting for a worker or a batch,
   * or running); one more is answered RESOURCE_EXHAUSTED at once instead of queueing without bound.
   */
  @WithDefault("256")
  int maxPendingRequests();

  /**
   * Answer an Act request on the gRPC event loop when its model is idle, saving two thread
   * hand-overs (0.1-0.2 ms on a shared VM). While the event loop runs a model it reads no further
   * requests from its connections: {@link #eventLoopQuietMicros()} keeps bursts off it, and {@link
   * #eventLoopLongestRunMicros()} keeps slow models off it. Off by default: when many clients share
   * a connection and their requests arrive just over the quiet time apart (cores busy with the
   * clients), each is answered alone and none is merged. For latency-bound clients.
   */
  @WithDefault("false")
  boolean runIdleOnEventLoop();

  /**
   * With run-idle-on-event-loop: how long, in microseconds, the model must have been idle before a
   * request is answered on the event loop. Requests already waiting in a connection arrive right
   * after the previous run and go to the batcher instead; 0 answers every request that finds the
   * model idle on the event loop, one after the other.
   */
  @WithDefault("100")
  long eventLoopQuietMicros();

  /**
   * With run-idle-on-event-loop: a model whose last run took longer than this, in microseconds, is
   * run on a worker thread, so that other connections on the event loop are not held up.
   */
  @WithDefault("1000")
  long eventLoopLongestRunMicros();
}
