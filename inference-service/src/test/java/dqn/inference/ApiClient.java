package dqn.inference;

import com.google.protobuf.ByteString;
import dqn.client.Tensors;
import dqn.client.inference.InferenceClient;
import dqn.testkit.PrometheusText;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A test's gRPC client of a running inference-service, over a real loopback socket. */
public final class ApiClient implements AutoCloseable {

  public static final int CHUNK_BYTES = 256 * 1024;

  private final int port;
  private final ManagedChannel channel;
  private final InferenceServiceGrpc.InferenceServiceBlockingStub blocking;
  private final InferenceServiceGrpc.InferenceServiceStub async;
  // The client library's upload: one implementation of the chunked upload for every caller.
  private final InferenceClient library;

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
    this.library =
        InferenceClient.connect("127.0.0.1:" + port, Optional.ofNullable(token), Duration.ofSeconds(60));
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
    return InferenceClient.uploadMessages(header, onnx, CHUNK_BYTES);
  }

  /** Sends the messages as one upload; throws the call's StatusRuntimeException on failure. */
  public ModelVersionInfo upload(List<UploadModelRequest> messages) {
    return library.upload(messages);
  }

  public ActResponse act(String model, Tensor observations) {
    return blocking()
        .act(ActRequest.newBuilder().setModel(model).setObservations(observations).build());
  }

  public static Tensor uint8(byte[] data, long... shape) {
    return Tensors.uint8(data, shape);
  }

  public static Tensor float32(float[] data, long... shape) {
    return Tensors.float32(data, shape);
  }

  public static Tensor tensor(DType dtype, byte[] data, long... shape) {
    return Tensors.tensor(dtype, ByteString.copyFrom(data), shape);
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
    return PrometheusText.scrape(port);
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
    library.close();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
