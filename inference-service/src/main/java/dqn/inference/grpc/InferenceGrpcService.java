package dqn.inference.grpc;

import dqn.inference.config.BatchingConfig;
import dqn.inference.registry.InvalidUploadException;
import dqn.inference.registry.ModelRegistry;
import dqn.inference.registry.ModelUpload;
import dqn.inference.serving.ActCommand;
import dqn.inference.serving.ActResult;
import dqn.inference.serving.ActService;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.GetModelMetadataRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ListModelsRequest;
import dqn.v1.ListModelsResponse;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import dqn.v1.SetLiveVersionRequest;
import dqn.v1.UploadModelRequest;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** The gRPC edge of the inference-service: converts, calls the domain, converts back. */
@GrpcService
@RegisterInterceptor(BearerTokenInterceptor.class)
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

  private final ActService actService;
  private final ModelRegistry registry;
  private final Vertx vertx;
  private final boolean runIdleOnEventLoop;

  public InferenceGrpcService(
      ActService actService, ModelRegistry registry, Vertx vertx, BatchingConfig batching) {
    this.actService = actService;
    this.registry = registry;
    this.vertx = vertx;
    this.runIdleOnEventLoop = batching.runIdleOnEventLoop();
  }

  /**
   * Starts on the event loop and moves to a worker thread, where the request may wait for its
   * batch; with {@code dqn.inference.batching.run-idle-on-event-loop}, a request whose model is
   * idle is answered at once on the event loop instead.
   */
  @Override
  public void act(ActRequest request, StreamObserver<ActResponse> responses) {
    ActCommand command;
    ActResult now;
    try {
      command = ProtoConversions.toCommand(request);
      now = runIdleOnEventLoop ? actService.actWithoutWaiting(command) : null;
    } catch (RuntimeException e) {
      responses.onError(StatusMapping.toStatus(e));
      return;
    }
    if (now != null) {
      responses.onNext(ProtoConversions.toResponse(request.getRequestId(), now));
      responses.onCompleted();
      return;
    }
    vertx
        .getOrCreateContext()
        .executeBlocking(() -> actService.act(command), false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                responses.onNext(
                    ProtoConversions.toResponse(request.getRequestId(), result.result()));
                responses.onCompleted();
              } else {
                responses.onError(StatusMapping.toStatus(result.cause()));
              }
            });
  }

  @Override
  @Blocking
  public StreamObserver<ActRequest> actStream(StreamObserver<ActResponse> responses) {
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(ActRequest request) {
        if (failed) {
          return;
        }
        ActResponse response;
        try {
          response = act(request);
        } catch (RuntimeException e) {
          failed = true;
          responses.onError(StatusMapping.toStatus(e));
          return;
        }
        responses.onNext(response);
      }

      @Override
      public void onError(Throwable cancelled) {
        failed = true;
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          responses.onCompleted();
        }
      }
    };
  }

  @Override
  @Blocking
  public void getModelMetadata(
      GetModelMetadataRequest request, StreamObserver<ModelMetadata> responses) {
    answer(
        responses,
        () ->
            ProtoConversions.toMetadata(
                registry.describe(request.getModel(), request.getVersion())));
  }

  @Override
  @Blocking
  public StreamObserver<UploadModelRequest> uploadModel(
      StreamObserver<ModelVersionInfo> responses) {
    return new StreamObserver<>() {
      private ModelUpload upload;
      private boolean failed;

      @Override
      public void onNext(UploadModelRequest request) {
        if (failed) {
          return;
        }
        try {
          switch (request.getPartCase()) {
            case HEADER -> {
              if (upload != null) {
                throw new InvalidUploadException("an upload has exactly one header; got a second");
              }
              upload = registry.beginUpload(ProtoConversions.toSpec(request.getHeader()));
            }
            case CHUNK -> {
              if (upload == null) {
                throw new InvalidUploadException(
                    "the first message of an upload must be its header; got a chunk");
              }
              upload.append(request.getChunk().asReadOnlyByteBuffer());
            }
            default ->
                throw new InvalidUploadException(
                    "each upload message carries a header or a chunk; got neither");
          }
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      @Override
      public void onError(Throwable cancelled) {
        failed = true;
        if (upload != null) {
          upload.close();
        }
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (upload == null) {
          fail(new InvalidUploadException("the upload ended before its header"));
          return;
        }
        answer(responses, () -> ProtoConversions.toInfo(upload.commit()));
      }

      private void fail(RuntimeException e) {
        failed = true;
        if (upload != null) {
          upload.close();
        }
        responses.onError(StatusMapping.toStatus(e));
      }
    };
  }

  @Override
  @Blocking
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
    answer(
        responses,
        () -> {
          ListModelsResponse.Builder list = ListModelsResponse.newBuilder();
          registry.list().forEach(summary -> list.addModels(ProtoConversions.toInfo(summary)));
          return list.build();
        });
  }

  @Override
  @Blocking
  public void setLiveVersion(
      SetLiveVersionRequest request, StreamObserver<ModelVersionInfo> responses) {
    answer(
        responses,
        () -> ProtoConversions.toInfo(registry.setLive(request.getModel(), request.getVersion())));
  }

  private ActResponse act(ActRequest request) {
    return ProtoConversions.toResponse(
        request.getRequestId(), actService.act(ProtoConversions.toCommand(request)));
  }

  /** Sends one answer, or the status of the exception computing it threw. */
  private static <T> void answer(StreamObserver<T> responses, Supplier<T> compute) {
    T response;
    try {
      response = compute.get();
    } catch (RuntimeException e) {
      responses.onError(StatusMapping.toStatus(e));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
