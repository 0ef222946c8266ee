package dqn.learner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.learner.testing.TestConfigs;
import dqn.testkit.RunSpecEdges;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value the run specification accepts must start the learner-service. */
class RunSpecEdgesTest {

  @Test
  void everyAcceptedEdgeOfTheRunSpecificationPassesTheLearnersStartUpChecks() {
    assertEquals(
        List.of(), RunSpecEdges.refusedBy(spec -> LearnerConfigCheck.validate(TestConfigs.learner(spec, Map.of()))));
  }
}
