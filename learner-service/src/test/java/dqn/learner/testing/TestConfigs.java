package dqn.learner.testing;

import dqn.learner.config.LearnerConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** The learner's real configuration mapping, with its real defaults and a test's overrides. */
public final class TestConfigs {

  private TestConfigs() {}

  public static LearnerConfig learner(Map<String, String> overrides) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(LearnerConfig.class)
            .withDefaultValues(overrides)
            .build();
    return config.getConfigMapping(LearnerConfig.class);
  }
}
