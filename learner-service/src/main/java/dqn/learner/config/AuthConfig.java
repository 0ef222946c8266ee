package dqn.learner.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Bearer-token authentication of the LearnerService API. */
@ConfigMapping(prefix = "dqn.learner.auth")
public interface AuthConfig {

  /**
   * Accepted tokens, comma separated (DQN_LEARNER_AUTH_TOKENS). Unset: no authentication. Set: every LearnerService
   * call needs the header {@code authorization: Bearer <token>} (its callers, the command line, are given
   * one); gRPC health, reflection and {@code /q/metrics} stay open.
   */
  Optional<List<String>> tokens();
}
