package dqn.inference.grpc;

import dqn.inference.config.AuthConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Checks {@code authorization: Bearer <token>} against the configured tokens when any are
 * configured. Registered on the InferenceService only, so health checks and reflection stay open.
 */
@Singleton
public class BearerTokenInterceptor implements ServerInterceptor {

  private static final Logger LOG = Logger.getLogger(BearerTokenInterceptor.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  /** SHA-256 of each accepted token, compared in constant time. */
  private final List<byte[]> acceptedDigests;

  public BearerTokenInterceptor(AuthConfig config) {
    List<String> tokens = config.tokens().orElse(List.of());
    for (String token : tokens) {
      if (token.isBlank()) {
        String message = "dqn.inference.auth.tokens must not contain blank tokens";
        LOG.errorf("inference-service cannot start: %s", message);
        throw new IllegalArgumentException(message);
      }
    }
    this.acceptedDigests = tokens.stream().map(BearerTokenInterceptor::digest).toList();
    LOG.infof(
        acceptedDigests.isEmpty()
            ? "authentication off (set dqn.inference.auth.tokens to require bearer tokens)"
            : "authentication on: %d bearer token(s) accepted",
        acceptedDigests.size());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (acceptedDigests.isEmpty()) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    String problem = null;
    if (header == null) {
      problem = "this server requires the header 'authorization: Bearer <token>'";
    } else if (!header.startsWith(BEARER) || !accepted(header.substring(BEARER.length()).strip())) {
      problem = "the bearer token in the 'authorization' header is not accepted";
    }
    if (problem == null) {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private boolean accepted(String token) {
    byte[] given = digest(token);
    boolean match = false;
    for (byte[] accepted : acceptedDigests) {
      match |= MessageDigest.isEqual(accepted, given);
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }
}
