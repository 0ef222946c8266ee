package dqn.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Channels to the dqn services: one place for addresses, message limits, bearer tokens and TLS.
 * Every channel the services open to each other (and the command line's) comes from here, so one
 * setting turns TLS on for all of them: {@code DQN_TLS_TRUST_CERT} (or {@code -Ddqn.tls.trust-cert})
 * names a PEM file of the certificates to trust, e.g. the cluster CA's {@code ca.crt}; unset,
 * channels are plaintext.
 */
public final class Channels {

  /** The system property and environment variable naming the PEM file of trusted certificates. */
  public static final String TRUST_CERT_PROPERTY = "dqn.tls.trust-cert";
  public static final String TRUST_CERT_VARIABLE = "DQN_TLS_TRUST_CERT";

  /** Largest answer accepted: a stacked Sample of 1,024 Atari transitions is about 58 MB. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  private Channels() {}

  /**
   * A channel to {@code host:port}, sending {@code authorization: Bearer <token>} on every call
   * when a token is given; TLS when this process is configured with certificates to trust.
   *
   * @throws IllegalArgumentException when the target is not host:port
   */
  public static ManagedChannel open(String target, Optional<String> bearerToken) {
    return open(target, bearerToken, trustCertificates());
  }

  /**
   * A channel to {@code host:port}: TLS trusting the certificates in the PEM file {@code
   * trustCertificates} (the server's name must match its certificate), or plaintext without one.
   *
   * @throws IllegalArgumentException when the target is not host:port, or the file is missing or
   *     holds no certificate
   */
  public static ManagedChannel open(String target, Optional<String> bearerToken, Optional<Path> trustCertificates) {
    HostPort address = HostPort.parse(target);
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(address.host(), address.port()).maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
    if (trustCertificates.isPresent()) {
      Path pem = trustCertificates.get();
      if (!Files.isRegularFile(pem)) {
        throw new IllegalArgumentException(
            TRUST_CERT_VARIABLE + " names " + pem + ", which is not a file: give the PEM file of the certificates to trust");
      }
      try {
        builder.sslContext(GrpcSslContexts.forClient().trustManager(pem.toFile()).build());
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            TRUST_CERT_VARIABLE + " names " + pem + ", which holds no PEM certificate (" + e.getMessage() + ")", e);
      }
    } else {
      builder.usePlaintext();
    }
    bearerToken
        .filter(token -> !token.isBlank())
        .ifPresent(
            token -> {
              Metadata headers = new Metadata();
              headers.put(
                  Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
              builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
            });
    return builder.build();
  }

  /** The PEM file of trusted certificates this process is configured with, if any. */
  public static Optional<Path> trustCertificates() {
    String named = System.getProperty(TRUST_CERT_PROPERTY, System.getenv(TRUST_CERT_VARIABLE));
    return named == null || named.isBlank() ? Optional.empty() : Optional.of(Path.of(named));
  }

  /** Shuts a channel down, waiting briefly for calls in flight. */
  public static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** A service address. */
  public record HostPort(String host, int port) {

    /** Parses {@code host:port} (IPv6 hosts in brackets). */
    public static HostPort parse(String target) {
      if (target == null) {
        throw new IllegalArgumentException("a service address is missing: expected host:port");
      }
      int colon = target.lastIndexOf(':');
      String host = colon > 0 ? target.substring(0, colon) : "";
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(target.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "'" + target + "' is not a service address: expected host:port, e.g. 127.0.0.1:50052");
      }
      return new HostPort(host, port);
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
