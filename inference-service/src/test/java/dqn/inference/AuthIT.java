package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.testkit.GrpcProbe;
import dqn.launcher.ServiceProcess;
import dqn.v1.ListModelsRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Bearer-token authentication when tokens are configured; health checks stay open. (Without tokens,
 * as in {@link InferenceApiIT}, no header is asked for.)
 */
class AuthIT {

  @Test
  void callsNeedOneOfTheConfiguredTokens() throws Exception {
    try (ServiceProcess service =
            Services.start(
                Services.builder(Files.createTempDirectory("inference-auth-"))
                    .environment("DQN_INFERENCE_AUTH_TOKENS", "alpha-token,beta-token"));
        ApiClient anonymous = new ApiClient(service.port());
        ApiClient wrong = new ApiClient(service.port(), "gamma-token");
        ApiClient beta = new ApiClient(service.port(), "beta-token");
        GrpcProbe probe = new GrpcProbe("127.0.0.1", service.port())) {
      ListModelsRequest list = ListModelsRequest.getDefaultInstance();
      InferenceApiIT.assertStatus(
          Status.Code.UNAUTHENTICATED,
          "authorization: Bearer <token>",
          () -> anonymous.blocking().listModels(list));
      InferenceApiIT.assertStatus(
          Status.Code.UNAUTHENTICATED, "not accepted", () -> wrong.blocking().listModels(list));
      InferenceApiIT.assertStatus(
          Status.Code.UNAUTHENTICATED,
          "authorization",
          () -> anonymous.upload("pong", TestModels.pongNips(1), true));

      assertEquals(1, beta.upload("pong", TestModels.pongNips(1), true).getVersion());
      assertEquals(1, beta.blocking().listModels(list).getModelsCount());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, probe.health());
    }
  }
}
