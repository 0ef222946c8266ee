package dqn.learner.grpc;

import com.google.protobuf.ByteString;
import dqn.learner.snapshot.ModelUploader;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ModelVersionInfo;
import dqn.v1.UploadHeader;
import dqn.v1.UploadModelRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Optional;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Uploads snapshots to the inference-service: a header, then the file in 1 MiB chunks. */
public final class GrpcModelUploader implements ModelUploader {

  private static final int CHUNK_BYTES = 1 << 20;

  private final String target;
  private final ManagedChannel channel;
  private final long deadlineMs;

  /**
   * @param bearerToken sent as {@code authorization: Bearer <token>} when present
   */
  public GrpcModelUploader(String target, long deadlineMs, Optional<String> bearerToken) {
    this.target = target;
    this.deadlineMs = deadlineMs;
    ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forTarget(target).usePlaintext();
    bearerToken.ifPresent(
        token -> {
          Metadata headers = new Metadata();
          headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
          builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        });
    this.channel = builder.build();
  }

  @Override
  public long upload(
      String model, byte[] onnxModel, String sha256, Map<String, String> properties, boolean makeLive) {
    CompletableFuture<ModelVersionInfo> answer = new CompletableFuture<>();
    StreamObserver<UploadModelRequest> requests =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
            .uploadModel(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelVersionInfo value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(
                        new IllegalStateException("the inference-service closed the upload without an answer"));
                  }
                });
    requests.onNext(
        UploadModelRequest.newBuilder()
            .setHeader(
                UploadHeader.newBuilder()
                    .setModel(model)
                    .setMakeLive(makeLive)
                    .setSizeBytes(onnxModel.length)
                    .setSha256(sha256)
                    .putAllProperties(properties))
            .build());
    for (int offset = 0; offset < onnxModel.length; offset += CHUNK_BYTES) {
      int length = Math.min(CHUNK_BYTES, onnxModel.length - offset);
      requests.onNext(
          UploadModelRequest.newBuilder().setChunk(ByteString.copyFrom(onnxModel, offset, length)).build());
    }
    requests.onCompleted();
    try {
      return answer.get(deadlineMs + 1_000, TimeUnit.MILLISECONDS).getVersion();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof StatusRuntimeException s ? s.getStatus().toString() : String.valueOf(cause);
      throw new UploadException("inference-service at " + target + " did not take the upload: " + why, cause);
    } catch (TimeoutException e) {
      throw new UploadException("inference-service at " + target + " did not answer the upload in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadException("interrupted while uploading to " + target, e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
