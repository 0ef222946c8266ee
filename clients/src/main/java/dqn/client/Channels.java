package dqn.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Channels to the dqn services: one place for addresses, message limits and bearer tokens. */
public final class Channels {

  /** Largest answer accepted: a stacked Sample of 1,024 Atari transitions is about 58 MB. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  private Channels() {}

  /**
   * A plaintext channel to {@code host:port}, sending {@code authorization: Bearer <token>} on
   * every call when a token is given.
   *
   * @throws IllegalArgumentException when the target is not host:port
   */
  public static ManagedChannel open(String target, Optional<String> bearerToken) {
    HostPort address = HostPort.parse(target);
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(address.host(), address.port())
            .usePlaintext()
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
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
