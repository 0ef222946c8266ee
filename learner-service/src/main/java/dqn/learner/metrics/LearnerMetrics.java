package dqn.learner.metrics;

import dqn.learner.dqn.Learner;
import dqn.learner.dqn.LearnerState;
import dqn.learner.snapshot.SnapshotPublisher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;

/**
 * The learner's meters, {@code dqn.learner.*} (Prometheus {@code dqn_learner_*}; docs/metrics.md
 * lists them). Everything is read from the learner's status when scraped: nothing
 * is recorded per update.
 */
public final class LearnerMetrics implements MeterBinder {

  private static final double NANOS_PER_SECOND = 1e9;

  private final Learner learner;

  public LearnerMetrics(Learner learner) {
    this.learner = learner;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("dqn.learner.updates", learner, l -> l.status().updateStep())
        .description("gradient updates made, counting those before a resume")
        .register(registry);
    Gauge.builder("dqn.learner.updates.per.second", learner, l -> l.status().updatesPerSecond())
        .description("updates per second over the last 10 s")
        .register(registry);
    Gauge.builder("dqn.learner.td.loss", learner, l -> l.status().loss())
        .description("TD loss (Huber), exponential mean over about 100 updates; NaN before the first")
        .register(registry);
    Gauge.builder("dqn.learner.data.wait.ratio", learner, l -> l.status().dataWaitFraction())
        .baseUnit("ratio")
        .description("share of the last 10 s the learner waited for replay data (0..1)")
        .register(registry);
    FunctionCounter.builder("dqn.learner.data.wait", learner, l -> l.dataWaitNanos() / NANOS_PER_SECOND)
        .baseUnit("seconds")
        .description("time the learner waited for replay data since it started")
        .register(registry);
    FunctionCounter.builder("dqn.learner.env.frames", learner, l -> l.status().envFrames())
        .description("emulator frames behind the transitions the replay received (its inserted steps x frame skip)")
        .register(registry);
    for (SnapshotPublisher.Result result : SnapshotPublisher.Result.values()) {
      FunctionCounter.builder("dqn.learner.snapshots", learner.snapshots(), p -> p.count(result))
          .tag("result", result.name().toLowerCase(Locale.ROOT))
          .description("snapshots by how they ended, since the service started")
          .register(registry);
    }
    Gauge.builder("dqn.learner.snapshot.max.abs.diff", learner.snapshots(), SnapshotPublisher::lastMaxAbsDiff)
        .description("largest |ONNX Runtime - training engine| Q-value difference on the probe batch, newest snapshot")
        .register(registry);
    for (LearnerState state : LearnerState.values()) {
      Gauge.builder("dqn.learner.state", learner, l -> l.status().state() == state ? 1 : 0)
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("1 for the state the learner is in, 0 for the others")
          .register(registry);
    }
  }
}
