package dqn.replay.grpc;

import dqn.replay.app.AuthConfig;
import dqn.runtime.auth.BearerTokens;
import dqn.runtime.auth.TokenInterceptor;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/** The ReplayService's bearer tokens, when any are configured (health and reflection stay open). */
@Singleton
public class BearerTokenInterceptor extends TokenInterceptor {

  private static final Logger LOG = Logger.getLogger(BearerTokenInterceptor.class);

  public BearerTokenInterceptor(AuthConfig auth) {
    super(tokens(auth));
  }

  private static BearerTokens tokens(AuthConfig auth) {
    BearerTokens tokens = BearerTokens.of("dqn.replay.auth.tokens", auth.tokens().orElse(List.of()));
    if (tokens.required()) {
      LOG.infof("authentication on: %d bearer token(s) accepted on the API; health and metrics stay open", tokens.count());
    } else {
      LOG.info("authentication off (set dqn.replay.auth.tokens to require bearer tokens)");
    }
    return tokens;
  }
}
