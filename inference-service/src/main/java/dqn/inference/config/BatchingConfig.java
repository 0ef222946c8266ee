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
}
