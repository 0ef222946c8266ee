package dqn.env.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** Limits and threads of the emulator sessions. */
@ConfigMapping(prefix = "dqn.env.sessions")
public interface SessionConfig {

  /** Sessions open at once; CreateSession answers RESOURCE_EXHAUSTED beyond it. */
  @WithDefault("128")
  int max();

  /** A session unused this long is closed. */
  @WithDefault("10m")
  Duration idleTimeout();

  /** Threads that step the sessions of one call in parallel; unset: one per core. */
  OptionalInt workers();
}
