package dqn.client.inference;

import com.google.protobuf.ByteString;
import dqn.client.Channels;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.DownloadModelRequest;
import dqn.v1.DownloadModelResponse;
import dqn.v1.GetModelMetadataRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ListModelsRequest;
import dqn.v1.ListModelsResponse;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import dqn.v1.SetLiveVersionRequest;
import dqn.v1.UploadHeader;
import dqn.v1.UploadModelRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The inference-service's client: actions (one call, or a stream for actors), uploads, metadata
 * and live versions. Every call has a deadline; a failure surfaces as the {@link
 * StatusRuntimeException} the server answered with, whose description says what to fix.
 */
public final class InferenceClient implements AutoCloseable {

  /** Upload slice size; the service takes chunks of up to 1 MiB. */
  public static final int UPLOAD_CHUNK_BYTES = 1 << 20;

  private final String target;
  private final ManagedChannel channel;
  private final Duration deadline;

  private InferenceClient(String target, ManagedChannel channel, Duration deadline) {
    this.target = target;
    this.channel = channel;
    this.deadline = deadline;
  }

  /**
   * @param target host:port of the inference-service
   * @param bearerToken sent with every call when the service requires one
   * @param deadline of each unary call and of each upload
   */
  public static InferenceClient connect(String target, Optional<String> bearerToken, Duration deadline) {
    return new InferenceClient(target, Channels.open(target, bearerToken), deadline);
  }

  public String target() {
    return target;
  }

  /** Q-values and actions for one batch of observations. */
  public ActResponse act(ActRequest request) {
    return blocking().act(request);
  }

  /** What a version of a model expects and returns; version 0 is the live one. */
  public ModelMetadata metadata(String model, long version) {
    return blocking()
        .getModelMetadata(GetModelMetadataRequest.newBuilder().setModel(model).setVersion(version).build());
  }

  public ListModelsResponse listModels() {
    return blocking().listModels(ListModelsRequest.getDefaultInstance());
  }

  /** Makes a stored version the live one (also how to roll back). */
  public ModelVersionInfo setLive(String model, long version) {
    return blocking()
        .setLiveVersion(SetLiveVersionRequest.newBuilder().setModel(model).setVersion(version).build());
  }

  /** A stored version's ONNX file and its description. */
  public record DownloadedModel(ModelVersionInfo info, byte[] onnx) {}

  /**
   * Downloads a stored version's ONNX file (0: the live one), checked against the size and SHA-256
   * the service sends first.
   *
   * @throws IllegalStateException when the bytes do not match their header
   */
  public DownloadedModel download(String model, long version) {
    Iterator<DownloadModelResponse> parts =
        blocking().downloadModel(DownloadModelRequest.newBuilder().setModel(model).setVersion(version).build());
    if (!parts.hasNext()) {
      throw new IllegalStateException("the download of " + model + " ended before its header");
    }
    ModelVersionInfo info = parts.next().getHeader();
    ByteArrayOutputStream onnx = new ByteArrayOutputStream((int) Math.min(info.getSizeBytes(), 1 << 30));
    while (parts.hasNext()) {
      onnx.writeBytes(parts.next().getChunk().toByteArray());
    }
    byte[] bytes = onnx.toByteArray();
    if (bytes.length != info.getSizeBytes() || !sha256(bytes).equals(info.getSha256())) {
      throw new IllegalStateException(
          "the download of " + model + " v" + info.getVersion() + " does not match its header: " + bytes.length
              + " bytes against " + info.getSizeBytes());
    }
    return new DownloadedModel(info, bytes);
  }

  /** Uploads an ONNX file with its size and SHA-256 for the service to check. */
  public ModelVersionInfo upload(
      String model, byte[] onnx, boolean makeLive, Map<String, String> properties) {
    UploadHeader header =
        UploadHeader.newBuilder()
            .setModel(model)
            .setMakeLive(makeLive)
            .setSizeBytes(onnx.length)
            .setSha256(sha256(onnx))
            .putAllProperties(properties)
            .build();
    return upload(uploadMessages(header, onnx, UPLOAD_CHUNK_BYTES));
  }

  /** The messages of one upload: the header, then the file in slices of {@code chunkBytes}. */
  public static List<UploadModelRequest> uploadMessages(UploadHeader header, byte[] onnx, int chunkBytes) {
    List<UploadModelRequest> messages = new ArrayList<>(2 + onnx.length / chunkBytes);
    messages.add(UploadModelRequest.newBuilder().setHeader(header).build());
    for (int offset = 0; offset < onnx.length; offset += chunkBytes) {
      int length = Math.min(chunkBytes, onnx.length - offset);
      messages.add(UploadModelRequest.newBuilder().setChunk(ByteString.copyFrom(onnx, offset, length)).build());
    }
    return messages;
  }

  /** Sends the messages as one upload call; throws the call's status on failure. */
  public ModelVersionInfo upload(List<UploadModelRequest> messages) {
    CompletableFuture<ModelVersionInfo> answer = new CompletableFuture<>();
    StreamObserver<UploadModelRequest> upload =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
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
                        Status.INTERNAL
                            .withDescription("the inference-service ended the upload without an answer")
                            .asRuntimeException());
                  }
                });
    messages.forEach(upload::onNext);
    upload.onCompleted();
    return await(answer, deadline.plusSeconds(1), "the upload");
  }

  /** A bidirectional ActStream for one caller: one request in flight at a time. */
  public ActStream openActStream() {
    return new ActStream(InferenceServiceGrpc.newStub(channel));
  }

  /**
   * One ActStream call, for one caller thread: one request in flight at a time, reopened by the
   * next {@link #act} after a failure.
   */
  public final class ActStream implements AutoCloseable {
    private final InferenceServiceGrpc.InferenceServiceStub stub;
    private final AtomicReference<CompletableFuture<ActResponse>> pending = new AtomicReference<>();
    private StreamObserver<ActRequest> requests;
    private Answers answers;
    private long nextRequestId = 1;

    private ActStream(InferenceServiceGrpc.InferenceServiceStub stub) {
      this.stub = stub;
    }

    /**
     * Sends one request and waits for its answer.
     *
     * @throws StatusRuntimeException with the server's status, or DEADLINE_EXCEEDED after {@code
     *     timeout}; the stream is reopened on the next call
     */
    public ActResponse act(ActRequest request, Duration timeout) {
      long id = nextRequestId++;
      CompletableFuture<ActResponse> answer = new CompletableFuture<>();
      pending.set(answer);
      synchronized (this) {
        if (requests == null || answers.ended) {
          answers = new Answers();
          requests = stub.actStream(answers);
        }
        requests.onNext(request.toBuilder().setRequestId(id).build());
      }
      try {
        ActResponse response = await(answer, timeout, "an action");
        if (response.getRequestId() != id) {
          throw Status.INTERNAL
              .withDescription("ActStream answered request " + response.getRequestId() + " for request " + id)
              .asRuntimeException();
        }
        return response;
      } catch (StatusRuntimeException e) {
        end(Status.CANCELLED.withDescription("the client gave up on the stream").asRuntimeException());
        throw e;
      }
    }

    private void complete(ActResponse response, Throwable error) {
      CompletableFuture<ActResponse> answer = pending.getAndSet(null);
      if (answer != null) {
        if (error != null) {
          answer.completeExceptionally(error);
        } else {
          answer.complete(response);
        }
      }
    }

    private synchronized void end(Throwable cancel) {
      if (requests != null) {
        try {
          if (cancel == null) {
            requests.onCompleted();
          } else {
            requests.onError(cancel);
          }
        } catch (RuntimeException alreadyClosed) {
          // The call has already ended; nothing to end.
        }
        requests = null;
      }
    }

    @Override
    public void close() {
      end(null);
    }

    /** The answers of one call; once it has ended, the next request opens a new call. */
    private final class Answers implements StreamObserver<ActResponse> {
      volatile boolean ended;

      @Override
      public void onNext(ActResponse response) {
        complete(response, null);
      }

      @Override
      public void onError(Throwable error) {
        ended = true;
        complete(null, error);
      }

      @Override
      public void onCompleted() {
        ended = true;
        complete(
            null,
            Status.UNAVAILABLE.withDescription("the inference-service closed the action stream").asRuntimeException());
      }
    }
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub blocking() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T await(CompletableFuture<T> answer, Duration timeout, String what) {
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("the inference-service at " + target + " did not answer " + what + " within " + timeout.toMillis() + " ms")
          .asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while waiting for " + what).asRuntimeException();
    }
  }

  /** Hex SHA-256 of a file's bytes, as the upload header carries it. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  @Override
  public void close() {
    Channels.close(channel);
  }
}
