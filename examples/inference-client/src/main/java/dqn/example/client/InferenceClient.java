package dqn.example.client;

import com.google.protobuf.ByteString;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.DType;
import dqn.v1.GetModelMetadataRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import dqn.v1.Tensor;
import dqn.v1.UploadHeader;
import dqn.v1.UploadModelRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A minimal client of the inference-service for a game with float32 observations: upload a model,
 * read its metadata, ask for actions. Every call has a deadline; failures surface as the gRPC
 * {@link StatusRuntimeException} the server answered with (its description says what to fix).
 */
public final class InferenceClient implements AutoCloseable {

  private static final int CHUNK_BYTES = 1024 * 1024;
  private static final long DEADLINE_SECONDS = 30;

  private final ManagedChannel channel;
  private final InferenceServiceGrpc.InferenceServiceBlockingStub blocking;
  private final InferenceServiceGrpc.InferenceServiceStub async;

  private InferenceClient(ManagedChannel channel, String bearerToken) {
    this.channel = channel;
    InferenceServiceGrpc.InferenceServiceBlockingStub b =
        InferenceServiceGrpc.newBlockingStub(channel);
    InferenceServiceGrpc.InferenceServiceStub a = InferenceServiceGrpc.newStub(channel);
    if (bearerToken != null && !bearerToken.isBlank()) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + bearerToken);
      b = b.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      a = a.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.blocking = b;
    this.async = a;
  }

  /**
   * Connects in plain text (use TLS through {@code NettyChannelBuilder.useTransportSecurity()} when
   * the server has it); {@code bearerToken} may be null when the server asks for none.
   */
  public static InferenceClient connect(String host, int port, String bearerToken) {
    return new InferenceClient(
        NettyChannelBuilder.forAddress(host, port).usePlaintext().build(), bearerToken);
  }

  /** Uploads an ONNX model in 1 MiB chunks, with its size and SHA-256 for the server to check. */
  public ModelVersionInfo upload(
      String model, byte[] onnx, boolean makeLive, Map<String, String> properties) {
    CompletableFuture<ModelVersionInfo> answer = new CompletableFuture<>();
    StreamObserver<UploadModelRequest> upload =
        async
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .uploadModel(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelVersionInfo info) {
                    answer.complete(info);
                  }

                  @Override
                  public void onError(Throwable error) {
                    answer.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(
                        new IllegalStateException("the server ended the upload without an answer"));
                  }
                });
    upload.onNext(
        UploadModelRequest.newBuilder()
            .setHeader(
                UploadHeader.newBuilder()
                    .setModel(model)
                    .setMakeLive(makeLive)
                    .setSizeBytes(onnx.length)
                    .setSha256(sha256(onnx))
                    .putAllProperties(properties))
            .build());
    for (int offset = 0; offset < onnx.length; offset += CHUNK_BYTES) {
      int length = Math.min(CHUNK_BYTES, onnx.length - offset);
      upload.onNext(
          UploadModelRequest.newBuilder()
              .setChunk(ByteString.copyFrom(onnx, offset, length))
              .build());
    }
    upload.onCompleted();
    try {
      return answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new IllegalStateException("upload failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while uploading", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer to the upload in " + DEADLINE_SECONDS + " s", e);
    }
  }

  /** What the live version of a model expects and returns. */
  public ModelMetadata metadata(String model) {
    return stub().getModelMetadata(GetModelMetadataRequest.newBuilder().setModel(model).build());
  }

  /** Q-values and greedy actions for {@code rows} observations of {@code width} floats each. */
  public ActResponse act(String model, float[] observations, int rows, int width) {
    ByteBuffer bytes =
        ByteBuffer.allocate(observations.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(observations);
    Tensor tensor =
        Tensor.newBuilder()
            .addShape(rows)
            .addShape(width)
            .setDtype(DType.DTYPE_FLOAT32)
            .setData(ByteString.copyFrom(bytes.array()))
            .build();
    return stub().act(ActRequest.newBuilder().setModel(model).setObservations(tensor).build());
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return blocking.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow();
    }
  }
}
