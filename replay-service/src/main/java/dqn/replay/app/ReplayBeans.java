package dqn.replay.app;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.Replay;
import dqn.replay.buffer.ReplaySettings;
import dqn.replay.buffer.ReplayStore;
import dqn.replay.buffer.SamplingMode;
import dqn.replay.memory.MemoryReplayStore;
import dqn.replay.metrics.ReplayMetrics;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.redis.RedisReplayStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Builds the replay from configuration once, logs what is in effect, and closes it at shutdown. */
@ApplicationScoped
public class ReplayBeans {

  private static final Logger LOG = Logger.getLogger(ReplayBeans.class);

  @Produces
  @ApplicationScoped
  Replay replay(ReplayConfig config) {
    try {
      return build(config);
    } catch (RuntimeException e) {
      // The launcher's exit handler reports only busy ports; say here why the start failed.
      LOG.errorf("replay-service cannot start: %s", e.getMessage());
      throw e;
    }
  }

  private Replay build(ReplayConfig config) {
    ReplaySettings settings = settings(config);
    RateLimiter.Settings limiter = limiterSettings(config, settings.capacity());
    ReplayStore.Layout layout =
        new ReplayStore.Layout(settings.frameHeight(), settings.frameWidth(), settings.chunkSteps());
    ReplayStore store;
    String where;
    if (config.redisUri().filter(uri -> !uri.isBlank()).isPresent()) {
      RedisReplayStore redis =
          new RedisReplayStore(
              config.redisUri().get(),
              config.redis().password(),
              config.redis().keyPrefix(),
              layout,
              new RedisReplayStore.RetryPolicy(
                  config.redis().retryAttempts(),
                  config.redis().retryInitialBackoff(),
                  config.redis().retryMaxBackoff()),
              config.redis().commandTimeout());
      store = redis;
      where = "redis at " + redis.address() + " (key prefix " + config.redis().keyPrefix() + ")";
    } else {
      store = new MemoryReplayStore(layout);
      where = "memory (embedded; set dqn.replay.redis-uri / DQN_REPLAY_REDIS_URI for Redis)";
    }
    long started = System.nanoTime();
    Lz4FrameCodec codec = new Lz4FrameCodec();
    Replay replay = new Replay(settings, limiter, store, codec);
    LOG.infof(
        "replay store: %s; index rebuilt with %d sampleable transitions in %d ms; LZ4: %s",
        where, replay.size(), (System.nanoTime() - started) / 1_000_000, codec.implementation());
    LOG.infof(
        "replay settings: %s; rate limiter: %s", settings, replay.rateLimiter());
    return replay;
  }

  /**
   * Builds the replay at start-up, so a bad setting or an unreachable Redis stops the start, and
   * binds its metrics.
   */
  void start(@Observes StartupEvent event, Replay replay, MeterRegistry metrics) {
    replay.size();
    new ReplayMetrics(replay).bindTo(metrics);
  }

  void close(@Disposes Replay replay) {
    replay.close();
  }

  static RateLimiter.Settings limiterSettings(ReplayConfig config, long capacity) {
    try {
      return new RateLimiter.Settings(
              config.rateLimiter().minSizeToSample(),
              config.rateLimiter().samplesPerInsert(),
              config.rateLimiter().errorBuffer())
          .validate(capacity);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("dqn.replay.rate-limiter: " + e.getMessage(), e);
    }
  }

  static ReplaySettings settings(ReplayConfig config) {
    SamplingMode mode;
    try {
      mode = SamplingMode.valueOf(config.sampling().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "dqn.replay.sampling must be uniform or prioritized, got " + config.sampling(), e);
    }
    return new ReplaySettings(
            config.capacity(),
            config.frameHeight(),
            config.frameWidth(),
            config.frameStack(),
            config.nStep(),
            config.gamma(),
            config.clipRewards(),
            config.storage().chunkSteps(),
            config.maxBatchSize(),
            config.maxStepsPerInsert(),
            mode,
            config.prioritized().alpha(),
            config.prioritized().epsilon(),
            config.prioritized().betaStart(),
            config.prioritized().betaAnnealBatches(),
            config.seed())
        .validate();
  }
}
