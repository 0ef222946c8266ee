package dqn.replay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.testkit.RunSpecEdges;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the replay-service. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheReplaysStartUpChecks() {
    assertEquals(
        List.of(),
        RunSpecEdges.refusedBy(
            spec -> {
              ReplayConfig config =
                  new SmallRyeConfigBuilder()
                      .withMapping(ReplayConfig.class)
                      // Quarkus reads durations such as 5s; plain SmallRye only ISO-8601.
                      .withConverter(Duration.class, 100, new DurationConverter())
                      .withDefaultValues(spec.replayProperties())
                      .build()
                      .getConfigMapping(ReplayConfig.class);
              ReplayBeans.limiterSettings(config, ReplayBeans.settings(config).capacity());
            }));
  }
}
