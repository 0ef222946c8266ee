package dqn.inference.grpc;

import com.google.protobuf.ByteString;
import dqn.inference.config.BatchingConfig;
import dqn.inference.model.InferenceFailedException;
import dqn.inference.model.InvalidModelException;
import dqn.inference.registry.InvalidUploadException;
import dqn.inference.registry.ModelNotFoundException;
import dqn.inference.registry.ModelRegistry;
import dqn.inference.registry.ModelUpload;
import dqn.inference.registry.StoredModel;
import dqn.inference.registry.UploadTooLargeException;
import dqn.inference.serving.ActCommand;
import dqn.inference.serving.Admission;
import dqn.inference.serving.ActResult;
import dqn.inference.serving.ActService;
import dqn.inference.serving.InvalidObservationException;
import dqn.runtime.grpc.MalformedRequests;
import dqn.runtime.grpc.StatusMapping;
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
import dqn.v1.UploadModelRequest;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;

/**
 * The gRPC edge of the inference-service: converts, calls the domain, converts back. Request
 * bytes that are no protobuf message are answered with INVALID_ARGUMENT ({@link MalformedRequests}).
 */
@GrpcService
@RegisterInterceptor(BearerTokenInterceptor.class)
public class InferenceGrpcService implements InferenceServiceGrpc.AsyncService, BindableService {

  private static final StatusMapping STATUSES =
      StatusMapping.builder("inference-service")
          .map(ModelNotFoundException.class, Status.Code.NOT_FOUND)
          .map(InvalidModelException.class, Status.Code.INVALID_ARGUMENT, "the uploaded model was rejected: ")
          .map(InvalidObservationException.class, Status.Code.INVALID_ARGUMENT)
          .map(InvalidUploadException.class, Status.Code.INVALID_ARGUMENT)
          .map(UploadTooLargeException.class, Status.Code.RESOURCE_EXHAUSTED)
          .map(Admission.OverloadedException.class, Status.Code.RESOURCE_EXHAUSTED)
          .internal(InferenceFailedException.class, "")
          .internalWithoutDetails(
              UncheckedIOException.class,
              "the inference-service could not read or write its model store (its log names the file and the cause)")
          .build();

  private final ActService actService;
  private final ModelRegistry registry;
  private final Vertx vertx;
  private final boolean runIdleOnEventLoop;
  private final Admission admission;

  public InferenceGrpcService(
      ActService actService, ModelRegistry registry, Vertx vertx, BatchingConfig batching, Admission admission) {
    this.actService = actService;
    this.registry = registry;
    this.vertx = vertx;
    this.runIdleOnEventLoop = batching.runIdleOnEventLoop();
    this.admission = admission;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return MalformedRequests.tolerant(InferenceServiceGrpc.bindService(this));
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
      MalformedRequests.requireWellFormed(request);
      command = ProtoConversions.toCommand(request);
      now = runIdleOnEventLoop ? actService.actWithoutWaiting(command) : null;
    } catch (RuntimeException e) {
      responses.onError(STATUSES.toStatus(e));
      return;
    }
    if (now != null) {
      responses.onNext(ProtoConversions.toResponse(request.getRequestId(), now));
      responses.onCompleted();
      return;
    }
    try {
      admission.enter();
    } catch (Admission.OverloadedException e) {
      responses.onError(STATUSES.toStatus(e));
      return;
    }
    Context call = Context.current();
    vertx
        .getOrCreateContext()
        .executeBlocking(
            () -> {
              // A request whose caller gave up while it waited for a worker is not run.
              if (call.isCancelled()) {
                throw Status.DEADLINE_EXCEEDED
                    .withDescription("the request's deadline passed (or its caller left) before a worker took it")
                    .asRuntimeException();
              }
              return actService.act(command);
            },
            false)
        .onComplete(
            result -> {
              admission.leave();
              if (result.succeeded()) {
                responses.onNext(
                    ProtoConversions.toResponse(request.getRequestId(), result.result()));
                responses.onCompleted();
              } else {
                responses.onError(STATUSES.toStatus(result.cause()));
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
          MalformedRequests.requireWellFormed(request);
          response = act(request);
        } catch (RuntimeException e) {
          failed = true;
          responses.onError(STATUSES.toStatus(e));
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
    STATUSES.answer(request, responses,
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
          MalformedRequests.requireWellFormed(request);
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
        STATUSES.answer(responses, () -> ProtoConversions.toInfo(upload.commit()));
      }

      private void fail(RuntimeException e) {
        failed = true;
        if (upload != null) {
          upload.close();
        }
        responses.onError(STATUSES.toStatus(e));
      }
    };
  }

  @Override
  @Blocking
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
    STATUSES.answer(request, responses,
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
    STATUSES.answer(request, responses,
        () -> ProtoConversions.toInfo(registry.setLive(request.getModel(), request.getVersion())));
  }

  @Override
  @Blocking
  public void downloadModel(DownloadModelRequest request, StreamObserver<DownloadModelResponse> responses) {
    StoredModel stored;
    try {
      MalformedRequests.requireWellFormed(request);
      stored = registry.download(request.getModel(), request.getVersion());
    } catch (RuntimeException e) {
      responses.onError(STATUSES.toStatus(e));
      return;
    }
    responses.onNext(DownloadModelResponse.newBuilder().setHeader(ProtoConversions.toInfo(stored.view())).build());
    byte[] onnx = stored.onnx();
    for (int offset = 0; offset < onnx.length; offset += ModelUpload.MAX_CHUNK_BYTES) {
      int length = Math.min(ModelUpload.MAX_CHUNK_BYTES, onnx.length - offset);
      responses.onNext(DownloadModelResponse.newBuilder().setChunk(ByteString.copyFrom(onnx, offset, length)).build());
    }
    responses.onCompleted();
  }

  private ActResponse act(ActRequest request) {
    return ProtoConversions.toResponse(
        request.getRequestId(), actService.act(ProtoConversions.toCommand(request)));
  }
}
