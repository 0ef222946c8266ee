package dqn.env.config;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Bearer-token authentication of the EnvService API. */
@ConfigMapping(prefix = "dqn.env.auth")
public interface AuthConfig {

  /**
   * Accepted tokens, comma separated (DQN_ENV_AUTH_TOKENS). Unset: no authentication. Set: every EnvService
   * call needs the header {@code authorization: Bearer <token>} (its callers, the actors, the command line and outside players, are given
   * one); gRPC health, reflection and {@code /q/metrics} stay open.
   */
  Optional<List<String>> tokens();
}
