package dqn.inference.grpc;

import dqn.inference.model.DType;
import dqn.inference.registry.ModelSummary;
import dqn.inference.registry.UploadSpec;
import dqn.inference.registry.VersionView;
import dqn.inference.serving.ActCommand;
import dqn.inference.serving.ActResult;
import dqn.inference.serving.ObservationBatch;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.ModelInfo;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import dqn.v1.Tensor;
import dqn.v1.UploadHeader;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Between dqn.v1 messages and the domain's types. */
final class ProtoConversions {

  private ProtoConversions() {}

  static ActCommand toCommand(ActRequest request) {
    return new ActCommand(
        request.getModel(),
        request.getVersion(),
        toObservations(request.getObservations()),
        request.hasEpsilon() ? OptionalDouble.of(request.getEpsilon()) : OptionalDouble.empty(),
        request.hasSeed() ? OptionalLong.of(request.getSeed()) : OptionalLong.empty());
  }

  static ObservationBatch toObservations(Tensor tensor) {
    long[] shape = tensor.getShapeList().stream().mapToLong(Long::longValue).toArray();
    DType dtype =
        switch (tensor.getDtype()) {
          case DTYPE_UINT8 -> DType.UINT8;
          case DTYPE_FLOAT32 -> DType.FLOAT32;
          default -> null;
        };
    return new ObservationBatch(shape, dtype, tensor.getData().asReadOnlyByteBuffer());
  }

  static ActResponse toResponse(long requestId, ActResult result) {
    ActResponse.Builder response =
        ActResponse.newBuilder()
            .setRequestId(requestId)
            .setModelVersion(result.modelVersion())
            .setNumActions(result.numActions());
    for (float q : result.qValues()) {
      response.addQValues(q);
    }
    for (int a : result.greedyActions()) {
      response.addGreedyActions(a);
    }
    for (int a : result.actions()) {
      response.addActions(a);
    }
    return response.build();
  }

  static UploadSpec toSpec(UploadHeader header) {
    return new UploadSpec(
        header.getModel(),
        header.getMakeLive(),
        header.getSizeBytes(),
        header.getSha256(),
        header.getPropertiesMap());
  }

  static ModelVersionInfo toInfo(VersionView view) {
    return ModelVersionInfo.newBuilder()
        .setModel(view.stored().model())
        .setVersion(view.stored().version())
        .setLive(view.live())
        .setSha256(view.stored().sha256())
        .setSizeBytes(view.stored().sizeBytes())
        .setUploadedUnixMs(view.stored().uploadedUnixMs())
        .build();
  }

  static ModelMetadata toMetadata(VersionView view) {
    ModelMetadata.Builder metadata =
        ModelMetadata.newBuilder()
            .setModel(view.stored().model())
            .setVersion(view.stored().version())
            .setLive(view.live())
            .setInputDtype(
                view.signature().dtype() == DType.UINT8
                    ? dqn.v1.DType.DTYPE_UINT8
                    : dqn.v1.DType.DTYPE_FLOAT32)
            .setNumActions(view.signature().numActions())
            .addAllActionMeanings(view.actionMeanings())
            .putAllProperties(view.properties())
            .putProperties("sha256", view.stored().sha256())
            .setUploadedUnixMs(view.stored().uploadedUnixMs());
    for (long d : view.signature().inputShapeWithBatch()) {
      metadata.addInputShape(d);
    }
    return metadata.build();
  }

  static ModelInfo toInfo(ModelSummary summary) {
    ModelInfo.Builder info =
        ModelInfo.newBuilder().setModel(summary.model()).setLiveVersion(summary.liveVersion());
    summary.versions().forEach(v -> info.addVersions(toInfo(v)));
    return info.build();
  }
}
