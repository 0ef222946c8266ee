package dqn.replay.app;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Bearer-token authentication of the ReplayService API. */
@ConfigMapping(prefix = "dqn.replay.auth")
public interface AuthConfig {

  /**
   * Accepted tokens, comma separated (DQN_REPLAY_AUTH_TOKENS). Unset: no authentication. Set: every ReplayService
   * call needs the header {@code authorization: Bearer <token>} (its callers, the actors and the learner, are given
   * one); gRPC health, reflection and {@code /q/metrics} stay open.
   */
  Optional<List<String>> tokens();
}
