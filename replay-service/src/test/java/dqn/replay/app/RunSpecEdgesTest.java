package dqn.replay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.replay.buffer.ReplaySettings;
import dqn.runspec.RunSpec;
import dqn.testkit.RunSpecEdges;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the replay-service. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheReplaysStartUpChecks() {
    Map<String, RunSpec> specs = RunSpecEdges.accepted();
    assertTrue(specs.size() > 100, specs.size() + " specifications");
    List<String> refused = new ArrayList<>();
    specs.forEach(
        (label, spec) -> {
          try {
            ReplayConfig config =
                new SmallRyeConfigBuilder()
                    .withMapping(ReplayConfig.class)
                    // Quarkus reads durations such as 10s; plain SmallRye only ISO-8601.
                    .withConverter(Duration.class, 100, new DurationConverter())
                    .withDefaultValues(spec.replayProperties())
                    .build()
                    .getConfigMapping(ReplayConfig.class);
            ReplaySettings settings = ReplayBeans.settings(config);
            ReplayBeans.limiterSettings(config, settings.capacity());
          } catch (RuntimeException e) {
            refused.add(label + " -> " + e.getMessage());
          }
        });
    assertEquals(List.of(), refused);
  }
}
