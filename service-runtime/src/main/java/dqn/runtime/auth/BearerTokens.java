package dqn.runtime.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The accepted bearer tokens of one service (or of one role, such as the inference-service's
 * publishers) and the check of one {@code authorization} header against them. Tokens are kept as
 * SHA-256 digests and compared in constant time.
 */
public final class BearerTokens {

  private static final String BEARER = "Bearer ";

  private final List<byte[]> acceptedDigests;

  private BearerTokens(List<byte[]> acceptedDigests) {
    this.acceptedDigests = acceptedDigests;
  }

  /**
   * @param key the configuration key the tokens come from, for the message about a blank one
   * @param tokens the accepted tokens; none means no authentication
   * @throws IllegalArgumentException for a blank token
   */
  public static BearerTokens of(String key, List<String> tokens) {
    for (String token : tokens) {
      if (token.isBlank()) {
        throw new IllegalArgumentException(key + " must not contain blank tokens");
      }
    }
    return new BearerTokens(tokens.stream().map(BearerTokens::digest).toList());
  }

  /** Whether any token is configured (otherwise every call is let through). */
  public boolean required() {
    return !acceptedDigests.isEmpty();
  }

  public int count() {
    return acceptedDigests.size();
  }

  /**
   * Why a call with this {@code authorization} header value (null when absent) is refused, or
   * empty when it may proceed.
   */
  public Optional<String> refusal(String authorizationHeader) {
    if (!required()) {
      return Optional.empty();
    }
    if (authorizationHeader == null) {
      return Optional.of("this server requires the header 'authorization: Bearer <token>'");
    }
    if (!authorizationHeader.startsWith(BEARER)
        || !accepted(authorizationHeader.substring(BEARER.length()).strip())) {
      return Optional.of("the bearer token in the 'authorization' header is not accepted");
    }
    return Optional.empty();
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
