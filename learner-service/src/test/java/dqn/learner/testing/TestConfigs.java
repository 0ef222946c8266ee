package dqn.learner.testing;

import dqn.learner.config.LearnerConfig;
import dqn.runspec.RunSpec;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;

/**
 * The learner's real configuration mapping as the service gets it: the values the built-in pong run
 * specification derives, the mapping's own defaults, and a test's overrides on top.
 */
public final class TestConfigs {

  private TestConfigs() {}

  public static LearnerConfig learner(Map<String, String> overrides) {
    return learner(RunSpec.forGame("pong"), overrides);
  }

  /** The mapping a learner started on {@code spec} gets, with a test's overrides on top. */
  public static LearnerConfig learner(RunSpec spec, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(spec.learnerProperties());
    values.putAll(overrides);
    SmallRyeConfig config =
        new SmallRyeConfigBuilder().withMapping(LearnerConfig.class).withDefaultValues(values).build();
    return config.getConfigMapping(LearnerConfig.class);
  }
}
