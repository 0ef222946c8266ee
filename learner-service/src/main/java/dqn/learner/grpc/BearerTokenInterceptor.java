package dqn.learner.grpc;

import dqn.learner.config.AuthConfig;
import dqn.runtime.auth.TokenInterceptor;
import jakarta.inject.Singleton;
import java.util.List;

/** The LearnerService's bearer tokens, when any are configured (health and reflection stay open). */
@Singleton
public class BearerTokenInterceptor extends TokenInterceptor {

  public BearerTokenInterceptor(AuthConfig auth) {
    super("dqn.learner.auth.tokens", auth.tokens().orElse(List.of()));
  }
}
