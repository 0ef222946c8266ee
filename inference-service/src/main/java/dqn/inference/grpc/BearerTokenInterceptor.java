package dqn.inference.grpc;

import dqn.inference.auth.BearerTokens;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Checks {@code authorization: Bearer <token>} against the configured tokens when any are
 * configured. Registered on the InferenceService only, so health checks and reflection stay open.
 */
@Singleton
public class BearerTokenInterceptor implements ServerInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;

  public BearerTokenInterceptor(BearerTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<String> refusal = tokens.refusal(headers.get(AUTHORIZATION));
    if (refusal.isEmpty()) {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(refusal.get()), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
