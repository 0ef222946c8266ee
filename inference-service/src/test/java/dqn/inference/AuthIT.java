package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.testkit.GrpcProbe;
import dqn.launcher.ServiceProcess;
import dqn.v1.ListModelsRequest;
import dqn.v1.SetLiveVersionRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import java.net.URI;
import dqn.testkit.PrometheusText;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bearer-token authentication when tokens are configured; health checks stay open, and so do the
 * metrics unless {@code protect-metrics} is set. (Without tokens, as in {@link InferenceApiIT}, no
 * header is asked for.)
 */
class AuthIT {

  private static final HttpClient HTTP = PrometheusText.HTTP_1_1;

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
      // By default the metrics stay open, and they name the models.
      beta.act("pong", ApiClient.uint8(new byte[4 * 84 * 84], 1, 4, 84, 84));
      HttpResponse<String> metrics = get(service, "/q/metrics", null);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("model=\"pong\""), metrics.body());
    }
  }

  @Test
  void aGameTokenActsButOnlyAPublisherTokenReplacesModels() throws Exception {
    try (ServiceProcess service =
            Services.start(
                Services.builder(Files.createTempDirectory("inference-auth-"))
                    .environment("DQN_INFERENCE_AUTH_TOKENS", "game-token")
                    .environment("DQN_INFERENCE_AUTH_PUBLISHER_TOKENS", "learner-token"));
        ApiClient game = new ApiClient(service.port(), "game-token");
        ApiClient learner = new ApiClient(service.port(), "learner-token")) {
      InferenceApiIT.assertStatus(
          Status.Code.UNAUTHENTICATED,
          "uploads and live-version changes need a publisher token",
          () -> game.upload("pong", TestModels.pongNips(1), true));
      assertEquals(1, learner.upload("pong", TestModels.pongNips(1), true).getVersion());
      assertEquals(2, learner.upload("pong", TestModels.pongNips(2), true).getVersion());
      // The game acts and lists; it cannot roll back.
      game.act("pong", ApiClient.uint8(new byte[4 * 84 * 84], 1, 4, 84, 84));
      assertEquals(2, game.blocking().listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getLiveVersion());
      SetLiveVersionRequest rollBack = SetLiveVersionRequest.newBuilder().setModel("pong").setVersion(1).build();
      InferenceApiIT.assertStatus(
          Status.Code.UNAUTHENTICATED, "publisher token", () -> game.blocking().setLiveVersion(rollBack));
      assertEquals(1, learner.blocking().setLiveVersion(rollBack).getVersion());
      // The publisher may do what a game does.
      assertEquals(1, learner.blocking().listModels(ListModelsRequest.getDefaultInstance()).getModels(0).getLiveVersion());
    }
  }

  @Test
  void protectMetricsAsksForTheTokensOnTheMetricsAndLeavesHealthOpen() throws Exception {
    try (ServiceProcess service =
        Services.start(
            Services.builder(Files.createTempDirectory("inference-auth-"))
                .environment("DQN_INFERENCE_AUTH_TOKENS", "alpha-token")
                .environment("DQN_INFERENCE_AUTH_PROTECT_METRICS", "true"))) {
      HttpResponse<String> anonymous = get(service, "/q/metrics", null);
      assertEquals(401, anonymous.statusCode());
      assertTrue(anonymous.body().contains("authorization: Bearer <token>"), anonymous.body());
      assertEquals(401, get(service, "/q/metrics", "Bearer wrong-token").statusCode());
      HttpResponse<String> allowed = get(service, "/q/metrics", "Bearer alpha-token");
      assertEquals(200, allowed.statusCode());
      assertTrue(allowed.body().contains("jvm_memory_used_bytes"), allowed.body());
      assertEquals(200, get(service, "/q/health", null).statusCode());
    }
  }

  private static HttpResponse<String> get(ServiceProcess service, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
