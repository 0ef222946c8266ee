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
   * Tokens of those who may replace models, comma separated (DQN_INFERENCE_AUTH_PUBLISHER_TOKENS):
   * set, UploadModel and SetLiveVersion need one of them (a game's token that may act cannot
   * replace models), and they are accepted on the rest of the API too. The learner sends one as
   * dqn.learner.inference-token.
   */
  Optional<List<String>> publisherTokens();

  /**
   * Require one of the tokens on {@code /q/metrics} too (DQN_INFERENCE_AUTH_PROTECT_METRICS); its
   * labels name the models. Needs tokens.
   */
  @WithDefault("false")
  boolean protectMetrics();
}
