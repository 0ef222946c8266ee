package dqn.inference.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Bearer-token authentication of the InferenceService API. */
@ConfigMapping(prefix = "dqn.inference.auth")
public interface AuthConfig {

  /**
   * Accepted tokens, comma separated (DQN_INFERENCE_AUTH_TOKENS). Unset: no authentication. Set:
   * every InferenceService call needs the header {@code authorization: Bearer <token>}; health and
   * reflection stay open.
   */
  Optional<List<String>> tokens();
}
