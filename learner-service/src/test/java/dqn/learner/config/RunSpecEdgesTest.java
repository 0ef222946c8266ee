package dqn.learner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.learner.testing.TestConfigs;
import dqn.runspec.RunSpec;
import dqn.testkit.RunSpecEdges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the learner-service. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheLearnersStartUpChecks() {
    Map<String, RunSpec> specs = RunSpecEdges.accepted();
    assertTrue(specs.size() > 100, specs.size() + " specifications");
    List<String> refused = new ArrayList<>();
    specs.forEach(
        (label, spec) -> {
          try {
            LearnerConfigCheck.validate(TestConfigs.learner(spec, Map.of()));
          } catch (RuntimeException e) {
            refused.add(label + " -> " + e.getMessage());
          }
        });
    assertEquals(List.of(), refused);
  }
}
