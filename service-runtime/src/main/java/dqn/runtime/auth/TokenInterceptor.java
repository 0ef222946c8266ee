package dqn.runtime.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Checks {@code authorization: Bearer <token>} on the calls of the gRPC service it is registered
 * on (so never on health or reflection, which are services of their own): a method named in
 * {@code byMethod} against its own tokens (the inference-service's uploads and live-version
 * changes need a publisher token), every other method against the service's tokens. Each
 * service's {@code BearerTokenInterceptor} bean extends it, so that Quarkus can register it.
 */
public class TokenInterceptor implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(TokenInterceptor.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;
  private final Map<String, BearerTokens> byMethod;
  private final String byMethodNote;

  /**
   * @param tokens the service's accepted tokens (none: its calls need no token)
   * @param byMethod full method names whose calls need other tokens instead
   * @param byMethodNote added to the refusal of such a call, e.g. "uploads need a publisher token"
   */
  protected TokenInterceptor(BearerTokens tokens, Map<String, BearerTokens> byMethod, String byMethodNote) {
    this.tokens = tokens;
    this.byMethod = Map.copyOf(byMethod);
    this.byMethodNote = byMethodNote;
  }

  protected TokenInterceptor(BearerTokens tokens) {
    this(tokens, Map.of(), "");
  }

  /**
   * A service's tokens from its configuration key (e.g. {@code dqn.env.auth.tokens}), with the
   * setting in effect logged once.
   */
  protected TokenInterceptor(String key, List<String> configured) {
    this(announced(key, BearerTokens.of(key, configured)));
  }

  private static BearerTokens announced(String key, BearerTokens tokens) {
    if (tokens.required()) {
      LOG.infof("authentication on: %d bearer token(s) accepted on the API; health and metrics stay open", tokens.count());
    } else {
      LOG.infof("authentication off (set %s to require bearer tokens)", key);
    }
    return tokens;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    BearerTokens special = byMethod.get(call.getMethodDescriptor().getFullMethodName());
    Optional<String> refusal = (special != null ? special : tokens).refusal(headers.get(AUTHORIZATION));
    if (refusal.isEmpty()) {
      return next.startCall(call, headers);
    }
    String reason = special != null && !byMethodNote.isEmpty() ? refusal.get() + " (" + byMethodNote + ")" : refusal.get();
    call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
