package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.qnetwork.QNetworkWeights;
import dqn.launcher.ServiceProcess;
import dqn.v1.ListModelsRequest;
import dqn.v1.ModelInfo;
import dqn.v1.ModelVersionInfo;
import dqn.v1.SetLiveVersionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After a restart, graceful or a crash, every model serves the version it served before. */
class RestartIT {

  @Test
  void liveVersionsAreServedAgainAfterAStopAndAfterACrash() throws Exception {
    Path models = Files.createTempDirectory("inference-restart-");
    QNetworkWeights pong1 = TestModels.nips(6, 1);
    QNetworkWeights pong3 = TestModels.nips(6, 3);
    QNetworkWeights cartpole = TestModels.mlp(4, 2, 1);
    byte[] frame = TestModels.frames(pong1, 1, 5);
    float[] state = TestModels.floats(cartpole, 1, 5);

    try (ServiceProcess service = Services.start(Services.builder(models));
        ApiClient client = new ApiClient(service.port())) {
      client.upload("pong", TestModels.onnx(pong1), true);
      client.upload("pong", TestModels.onnx(TestModels.nips(6, 2)), true);
      client.upload("cartpole", TestModels.onnx(cartpole), true);
      client
          .blocking()
          .setLiveVersion(
              SetLiveVersionRequest.newBuilder().setModel("pong").setVersion(1).build());
    }

    try (ServiceProcess service = Services.start(Services.builder(models));
        ApiClient client = new ApiClient(service.port())) {
      assertServes(client, "pong", 1, List.of(2L, 1L));
      InferenceApiIT.assertClose(
          TestModels.reference(pong1, frame, 1),
          ApiClient.qValues(client.act("pong", ApiClient.uint8(frame, 1, 4, 84, 84))));
      InferenceApiIT.assertClose(
          TestModels.reference(cartpole, state, 1),
          ApiClient.qValues(client.act("cartpole", ApiClient.float32(state, 1, 4))));
      client.upload("pong", TestModels.onnx(pong3), true);
      service.kill();
    }

    try (ServiceProcess service = Services.start(Services.builder(models));
        ApiClient client = new ApiClient(service.port())) {
      assertServes(client, "pong", 3, List.of(3L, 2L, 1L));
      assertServes(client, "cartpole", 1, List.of(1L));
      InferenceApiIT.assertClose(
          TestModels.reference(pong3, frame, 1),
          ApiClient.qValues(client.act("pong", ApiClient.uint8(frame, 1, 4, 84, 84))));
    }
  }

  private static void assertServes(ApiClient client, String model, long live, List<Long> versions) {
    ModelInfo info =
        client
            .blocking()
            .listModels(ListModelsRequest.getDefaultInstance())
            .getModelsList()
            .stream()
            .filter(m -> m.getModel().equals(model))
            .findFirst()
            .orElseThrow();
    assertEquals(live, info.getLiveVersion());
    assertEquals(
        versions, info.getVersionsList().stream().map(ModelVersionInfo::getVersion).toList());
  }
}
