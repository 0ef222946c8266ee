package dqn.replay.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the replay-service, under {@code dqn.replay.} (env: {@code DQN_REPLAY_...}). The
 * experiment's values (capacity, frame shape, n-step, gamma, reward clipping, sampling, priorities,
 * rate limiter, seed) have no default here: they come from the run specification (DQN_RUN_SPEC,
 * see the run-spec module), where each is written once.
 */
@ConfigMapping(prefix = "dqn.replay")
public interface ReplayConfig {

  /** Redis address, e.g. redis://redis:6379/0; unset or empty keeps the replay in memory. */
  @WithName("redis-uri")
  Optional<String> redisUri();

  /** Transitions (steps) kept; the oldest are evicted first beyond it. */
  int capacity();

  /** Height of a frame in pixels (uint8 grayscale). */
  int frameHeight();

  /** Width of a frame in pixels. */
  int frameWidth();

  /** Frames stacked into one sampled state. */
  int frameStack();

  /** n of the n-step returns (1 = the Nature DQN target). */
  int nStep();

  /** Discount factor of the n-step returns. */
  double gamma();

  /** Clip each reward to its sign before summing (Mnih et al. 2015). */
  boolean clipRewards();

  /** Sampling mode when a request leaves it unset: uniform or prioritized. */
  String sampling();

  /** Largest batch a Sample request may ask for. */
  @WithDefault("1024")
  int maxBatchSize();

  /** Largest number of steps in one InsertRequest. */
  @WithDefault("1024")
  int maxStepsPerInsert();

  /** Seed of the sampling random generator. */
  long seed();

  Storage storage();

  Prioritized prioritized();

  RateLimiter rateLimiter();

  Redis redis();

  /** How steps are laid out in the store. */
  interface Storage {
    /** Steps per stored chunk (per stream); frames of a chunk share one Redis value. */
    @WithDefault("32")
    int chunkSteps();
  }

  /** Proportional prioritized replay (Schaul et al. 2016). */
  interface Prioritized {
    /** Priority exponent α (0 = uniform). */
    double alpha();

    /** Initial importance-sampling exponent β, annealed linearly to 1. */
    double betaStart();

    /** Sample requests over which β reaches 1. */
    @WithDefault("1000000")
    long betaAnnealBatches();

    /** Added to every priority so no transition becomes unsampleable. */
    @WithDefault("0.000001")
    double epsilon();
  }

  /** Samples-per-insert rate limiter (Reverb's SampleToInsertRatio). */
  interface RateLimiter {
    /** Transitions the replay must hold before the first sample. */
    long minSizeToSample();

    /** Target sampled transitions per inserted transition (DQN: batch 32 every 4 steps); 0 = off. */
    double samplesPerInsert();

    /** Slack around the target, in sampled transitions. */
    double errorBuffer();
  }

  /** Redis connection behaviour (used only when redis-uri is set). */
  interface Redis {
    /** Prefix of every key the replay writes. */
    @WithDefault("dqn:replay")
    String keyPrefix();

    /**
     * Redis AUTH password (DQN_REPLAY_REDIS_PASSWORD, on Kubernetes from a Secret); replaces a
     * password in redis-uri. Never logged. A wrong one stops the start with the reason.
     */
    Optional<String> password();

    /** Timeout of one Redis command. */
    @WithDefault("5s")
    Duration commandTimeout();

    /** Attempts of one operation while Redis is unreachable, with exponential backoff. */
    @WithDefault("5")
    int retryAttempts();

    /** First backoff between attempts (doubles up to retry-max-backoff). */
    @WithDefault("100ms")
    Duration retryInitialBackoff();

    @WithDefault("2s")
    Duration retryMaxBackoff();
  }
}
