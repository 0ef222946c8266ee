package dqn.inference;

import com.google.protobuf.ByteString;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.DType;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ModelVersionInfo;
import dqn.v1.Tensor;
import dqn.v1.UploadHeader;
import dqn.v1.UploadModelRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A test's gRPC client of a running inference-service, over a real loopback socket. */
public final class ApiClient implements AutoCloseable {

  public static final int CHUNK_BYTES = 256 * 1024;

  private final int port;
  private final ManagedChannel channel;
  private final InferenceServiceGrpc.InferenceServiceBlockingStub blocking;
  private final InferenceServiceGrpc.InferenceServiceStub async;

  public ApiClient(int port) {
    this(port, null);
  }

  /** A client that sends {@code authorization: Bearer <token>} when token is not null. */
  public ApiClient(int port, String token) {
    this.port = port;
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    InferenceServiceGrpc.InferenceServiceBlockingStub b =
        InferenceServiceGrpc.newBlockingStub(channel);
    InferenceServiceGrpc.InferenceServiceStub a = InferenceServiceGrpc.newStub(channel);
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      b = b.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      a = a.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.blocking = b;
    this.async = a;
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A blocking stub whose calls must finish within 60 s from now. */
  public InferenceServiceGrpc.InferenceServiceBlockingStub blocking() {
    return blocking.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** An asynchronous stub (for the streaming calls). */
  public InferenceServiceGrpc.InferenceServiceStub async() {
    return async;
  }

  public ModelVersionInfo upload(String model, byte[] onnx, boolean makeLive) {
    UploadHeader header =
        UploadHeader.newBuilder()
            .setModel(model)
            .setMakeLive(makeLive)
            .setSizeBytes(onnx.length)
            .putProperties("uploaded-by", "test")
            .build();
    return upload(messages(header, onnx));
  }

  /** A header message followed by the file in chunks. */
  public static List<UploadModelRequest> messages(UploadHeader header, byte[] onnx) {
    List<UploadModelRequest> messages = new ArrayList<>();
    messages.add(UploadModelRequest.newBuilder().setHeader(header).build());
    for (int offset = 0; offset < onnx.length; offset += CHUNK_BYTES) {
      int length = Math.min(CHUNK_BYTES, onnx.length - offset);
      messages.add(
          UploadModelRequest.newBuilder()
              .setChunk(ByteString.copyFrom(onnx, offset, length))
              .build());
    }
    return messages;
  }

  /** Sends the messages as one upload; throws the call's StatusRuntimeException on failure. */
  public ModelVersionInfo upload(List<UploadModelRequest> messages) {
    CompletableFuture<ModelVersionInfo> answer = new CompletableFuture<>();
    StreamObserver<UploadModelRequest> requests =
        async
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .uploadModel(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelVersionInfo info) {
                    answer.complete(info);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(
                        new IllegalStateException("upload finished without an answer"));
                  }
                });
    messages.forEach(requests::onNext);
    requests.onCompleted();
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  public ActResponse act(String model, Tensor observations) {
    return blocking()
        .act(ActRequest.newBuilder().setModel(model).setObservations(observations).build());
  }

  public static Tensor uint8(byte[] data, long... shape) {
    return tensor(DType.DTYPE_UINT8, data, shape);
  }

  public static Tensor float32(float[] data, long... shape) {
    return tensor(DType.DTYPE_FLOAT32, TestModels.littleEndian(data), shape);
  }

  public static Tensor tensor(DType dtype, byte[] data, long... shape) {
    Tensor.Builder tensor = Tensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data));
    for (long d : shape) {
      tensor.addShape(d);
    }
    return tensor.build();
  }

  public static float[] qValues(ActResponse response) {
    float[] q = new float[response.getQValuesCount()];
    for (int i = 0; i < q.length; i++) {
      q[i] = response.getQValues(i);
    }
    return q;
  }

  /** The Prometheus text of /q/metrics. */
  public String metrics() {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The value of one sample line of the metrics, e.g. {@code
   * dqn_inference_requests_total{model="pong"}}.
   */
  public double metric(String name, String model) {
    String prefix = name + "{model=\"" + model + "\"";
    for (String line : metrics().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + prefix + "} in /q/metrics");
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
