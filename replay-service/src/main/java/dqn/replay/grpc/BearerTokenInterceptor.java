package dqn.replay.grpc;

import dqn.replay.app.AuthConfig;
import dqn.runtime.auth.TokenInterceptor;
import jakarta.inject.Singleton;
import java.util.List;

/** The ReplayService's bearer tokens, when any are configured (health and reflection stay open). */
@Singleton
public class BearerTokenInterceptor extends TokenInterceptor {

  public BearerTokenInterceptor(AuthConfig auth) {
    super("dqn.replay.auth.tokens", auth.tokens().orElse(List.of()));
  }
}
