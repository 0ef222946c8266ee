package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.config.ActorConfig;
import dqn.runspec.RunSpec;
import dqn.testkit.RunSpecEdges;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the env-service's actors. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheActorsStartUpChecks() {
    Map<String, RunSpec> specs = RunSpecEdges.accepted();
    assertTrue(specs.size() > 100, specs.size() + " specifications");
    List<String> refused = new ArrayList<>();
    specs.forEach(
        (label, spec) -> {
          try {
            ConfiguredActors.from(
                new SmallRyeConfigBuilder()
                    .withMapping(ActorConfig.class)
                    // Quarkus reads durations such as 10s; plain SmallRye only ISO-8601.
                    .withConverter(Duration.class, 100, new DurationConverter())
                    .withDefaultValues(spec.envProperties())
                    .build()
                    .getConfigMapping(ActorConfig.class));
          } catch (RuntimeException e) {
            refused.add(label + " -> " + e.getMessage());
          }
        });
    assertEquals(List.of(), refused);
  }
}
