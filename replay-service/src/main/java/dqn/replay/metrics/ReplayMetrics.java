package dqn.replay.metrics;

import dqn.replay.buffer.Replay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The replay's meters, {@code dqn.replay.*} (Prometheus {@code dqn_replay_*}; docs/metrics.md,
 * Prometheus metrics, lists them). Everything is read from the replay when scraped: nothing is
 * recorded per insert or sample.
 */
public final class ReplayMetrics implements MeterBinder {

  private static final double NANOS_PER_SECOND = 1e9;

  private final Replay replay;

  public ReplayMetrics(Replay replay) {
    this.replay = replay;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("dqn.replay.size", replay, Replay::size)
        .baseUnit("transitions")
        .description("transitions that can be sampled now")
        .register(registry);
    Gauge.builder("dqn.replay.capacity", replay, r -> r.settings().capacity())
        .baseUnit("transitions")
        .description("most steps the replay keeps (FIFO beyond)")
        .register(registry);
    FunctionCounter.builder("dqn.replay.inserted", replay, r -> r.statistics().totalInserted())
        .baseUnit("steps")
        .description("actor steps ever stored, counting those from before a restart of a persistent store")
        .register(registry);
    FunctionCounter.builder("dqn.replay.sampled", replay, r -> r.statistics().totalSampled())
        .baseUnit("transitions")
        .description("transitions handed out in samples since the service started")
        .register(registry);
    Gauge.builder("dqn.replay.stored", replay, r -> r.statistics().bytesUsed())
        .baseUnit("bytes")
        .description("bytes the store uses (Redis: its used_memory)")
        .register(registry);
    Gauge.builder("dqn.replay.streams", replay, r -> r.statistics().streams())
        .description("actor streams the replay has seen")
        .register(registry);
    FunctionCounter.builder("dqn.replay.rate.limiter.held.inserts", replay, r -> r.rateLimiterHeld().inserts())
        .description("inserts the rate limiter made wait (the actors ran ahead of the learner)")
        .register(registry);
    FunctionCounter.builder(
            "dqn.replay.rate.limiter.insert.wait", replay, r -> r.rateLimiterHeld().insertNanos() / NANOS_PER_SECOND)
        .baseUnit("seconds")
        .description("time inserts waited in the rate limiter, summed over concurrent inserts")
        .register(registry);
    FunctionCounter.builder("dqn.replay.rate.limiter.held.samples", replay, r -> r.rateLimiterHeld().samples())
        .description("samples the rate limiter made wait (the learner ran ahead of the actors)")
        .register(registry);
    FunctionCounter.builder(
            "dqn.replay.rate.limiter.sample.wait", replay, r -> r.rateLimiterHeld().sampleNanos() / NANOS_PER_SECOND)
        .baseUnit("seconds")
        .description("time samples waited in the rate limiter, summed over concurrent samples")
        .register(registry);
  }
}
