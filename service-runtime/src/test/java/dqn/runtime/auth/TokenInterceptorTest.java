package dqn.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service's tokens on every method; a publisher's on the methods that change models. */
class TokenInterceptorTest {

  private static final MethodDescriptor<byte[], byte[]> ACT = method("t.Api/Act");
  private static final MethodDescriptor<byte[], byte[]> UPLOAD = method("t.Api/Upload");

  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aGameTokenActsButOnlyAPublisherTokenUploads() throws Exception {
    start(
        new TokenInterceptor(
            BearerTokens.of("k.tokens", List.of("game", "publisher")),
            Map.of(UPLOAD.getFullMethodName(), BearerTokens.of("k.publisher-tokens", List.of("publisher"))),
            "uploads need a publisher token") {});
    assertEquals(Status.Code.OK, code(ACT, "game"));
    assertEquals(Status.Code.OK, code(ACT, "publisher"));
    assertEquals(Status.Code.OK, code(UPLOAD, "publisher"));
    StatusRuntimeException refused = call(UPLOAD, "game");
    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
    assertEquals(
        "the bearer token in the 'authorization' header is not accepted (uploads need a publisher token)",
        refused.getStatus().getDescription());
    assertEquals(Status.Code.UNAUTHENTICATED, code(ACT, null));
    assertEquals(Status.Code.UNAUTHENTICATED, code(ACT, "stranger"));
  }

  @Test
  void withoutTokensEveryCallProceeds() throws Exception {
    start(new TokenInterceptor(BearerTokens.of("k.tokens", List.of())) {});
    assertEquals(Status.Code.OK, code(ACT, null));
    assertEquals(Status.Code.OK, code(UPLOAD, "anything"));
  }

  private void start(TokenInterceptor interceptor) throws IOException {
    ServerServiceDefinition api =
        ServerServiceDefinition.builder("t.Api")
            .addMethod(ACT, ServerCalls.asyncUnaryCall((request, response) -> { response.onNext(request); response.onCompleted(); }))
            .addMethod(UPLOAD, ServerCalls.asyncUnaryCall((request, response) -> { response.onNext(request); response.onCompleted(); }))
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(api, interceptor))
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  private Status.Code code(MethodDescriptor<byte[], byte[]> method, String token) {
    StatusRuntimeException e = call(method, token);
    return e == null ? Status.Code.OK : e.getStatus().getCode();
  }

  private StatusRuntimeException call(MethodDescriptor<byte[], byte[]> method, String token) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    try {
      ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
          method,
          CallOptions.DEFAULT,
          new byte[] {1});
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    MethodDescriptor.Marshaller<byte[]> raw =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(name)
        .setRequestMarshaller(raw)
        .setResponseMarshaller(raw)
        .build();
  }
}
