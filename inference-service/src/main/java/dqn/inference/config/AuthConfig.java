package dqn.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Bearer-token authentication of the InferenceService API (and, on request, of the metrics). */
@ConfigMapping(prefix = "dqn.inference.auth")
public interface AuthConfig {

  /**
   * Accepted tokens, comma separated (DQN_INFERENCE_AUTH_TOKENS). Unset: no authentication. Set:
   * every InferenceService call needs the header {@code authorization: Bearer <token>}; health and
   * reflection stay open, and so does {@code /q/metrics} unless {@link #protectMetrics()}.
   */
  Optional<List<String>> tokens();

  /**
   * Require one of the tokens on {@code /q/metrics} too (DQN_INFERENCE_AUTH_PROTECT_METRICS); its
   * labels name the models. Needs tokens.
   */
  @WithDefault("false")
  boolean protectMetrics();
}
