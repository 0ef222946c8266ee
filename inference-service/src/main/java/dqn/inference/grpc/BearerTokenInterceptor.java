package dqn.inference.grpc;

import dqn.inference.config.AuthConfig;
import dqn.runtime.auth.BearerTokens;
import dqn.runtime.auth.TokenInterceptor;
import dqn.v1.InferenceServiceGrpc;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * The InferenceService's bearer tokens (health and reflection stay open): the API's tokens on
 * every method, and the publishers' on UploadModel and SetLiveVersion when any are configured.
 */
@Singleton
public class BearerTokenInterceptor extends TokenInterceptor {

  public BearerTokenInterceptor(BearerTokens tokens, AuthConfig auth) {
    super(tokens, publisherMethods(auth), "uploads and live-version changes need a publisher token");
  }

  private static Map<String, BearerTokens> publisherMethods(AuthConfig auth) {
    List<String> publishers = auth.publisherTokens().orElse(List.of());
    if (publishers.isEmpty()) {
      return Map.of();
    }
    BearerTokens tokens = BearerTokens.of("dqn.inference.auth.publisher-tokens", publishers);
    return Map.of(
        InferenceServiceGrpc.getUploadModelMethod().getFullMethodName(), tokens,
        InferenceServiceGrpc.getSetLiveVersionMethod().getFullMethodName(), tokens);
  }
}
