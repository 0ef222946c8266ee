package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.env.config.ActorConfig;
import dqn.testkit.RunSpecEdges;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the env-service's actors. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheActorsStartUpChecks() {
    assertEquals(
        List.of(),
        RunSpecEdges.refusedBy(
            spec ->
                ConfiguredActors.from(
                    new SmallRyeConfigBuilder()
                        .withMapping(ActorConfig.class)
                        // Quarkus reads durations such as 10s; plain SmallRye only ISO-8601.
                        .withConverter(Duration.class, 100, new DurationConverter())
                        .withDefaultValues(spec.envProperties())
                        .build()
                        .getConfigMapping(ActorConfig.class))));
  }
}
