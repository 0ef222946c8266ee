package dqn.example.cartpole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.Tensors;
import dqn.client.inference.InferenceClient;
import dqn.qnetwork.ReferenceForward;
import dqn.launcher.ServiceProcess;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.DType;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example end to end: the packaged inference-service, a real socket, a whole game. */
class CartPoleIT {

  @Test
  void uploadsItsModelReadsTheMetadataAndBalancesThePole() throws Exception {
    try (ServiceProcess service =
            ServiceProcess.builder(ServiceProcess.moduleJar())
                .property(
                    "dqn.inference.registry.model-dir",
                    Files.createTempDirectory("cartpole-models-").toString())
                .start()
                .awaitServing(Duration.ofSeconds(60));
        InferenceClient client = InferenceClient.connect("127.0.0.1:" + service.port(), Optional.empty(), Duration.ofSeconds(30))) {
      ModelVersionInfo uploaded =
          client.upload(
              CartPoleMain.MODEL, CartPoleModel.onnx(), true, Map.of("uploaded-by", "CartPoleIT"));
      assertEquals(1, uploaded.getVersion());
      assertTrue(uploaded.getLive());

      ModelMetadata metadata = client.metadata(CartPoleMain.MODEL, 0);
      assertEquals(List.of(-1L, 4L), metadata.getInputShapeList());
      assertEquals(DType.DTYPE_FLOAT32, metadata.getInputDtype());
      assertEquals(List.of("LEFT", "RIGHT"), metadata.getActionMeaningsList());
      assertEquals("CartPole (dqn example)", metadata.getPropertiesOrThrow("dqn.game"));

      float[] observation = new CartPole(5).reset();
      ActResponse answer = client.act(
              ActRequest.newBuilder()
                  .setModel(CartPoleMain.MODEL)
                  .setObservations(Tensors.float32(observation, 1, 4))
                  .build());
      float[] expected = ReferenceForward.qValues(CartPoleModel.weights(), observation, 1)[0];
      assertEquals(expected[0], answer.getQValues(0), 1e-4f);
      assertEquals(expected[1], answer.getQValues(1), 1e-4f);

      List<Integer> returns = new CartPolePlayer(client, CartPoleMain.MODEL).play(3, 11);
      assertEquals(List.of(500, 500, 500), returns);
    }
  }
}
