package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.Channels;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetStatsRequest;
import dqn.v1.GetStatusRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.ListModelsRequest;
import dqn.v1.ReplayServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens on all four services at once: {@code dqn train catch} runs with every service
 * requiring its own token (the inference-service a publisher token for uploads), each service
 * presenting the others' tokens on its own calls, and the command line presenting them too. The
 * run must train and publish as without tokens, while a call without a token is refused by each.
 */
class TokensIT {

  private static final Path HOME = DqnProcess.HOME;
  private static final Path LOGS = HOME.resolve("cli/target/tokens-it");

  /** What each service accepts, and what each caller presents, as a deployment sets them. */
  private static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();

  static {
    ENVIRONMENT.put("DQN_ENV_AUTH_TOKENS", "tok-env-4f9a");
    ENVIRONMENT.put("DQN_REPLAY_AUTH_TOKENS", "tok-replay-81c2");
    ENVIRONMENT.put("DQN_LEARNER_AUTH_TOKENS", "tok-learner-d3e7");
    ENVIRONMENT.put("DQN_INFERENCE_AUTH_TOKENS", "tok-actor-5b60");
    ENVIRONMENT.put("DQN_INFERENCE_AUTH_PUBLISHER_TOKENS", "tok-publisher-a19f");
    ENVIRONMENT.put("DQN_ENV_ACTORS_INFERENCE_TOKEN", "tok-actor-5b60");
    ENVIRONMENT.put("DQN_ENV_ACTORS_REPLAY_TOKEN", "tok-replay-81c2");
    ENVIRONMENT.put("DQN_LEARNER_REPLAY_TOKEN", "tok-replay-81c2");
    ENVIRONMENT.put("DQN_LEARNER_ENV_TOKEN", "tok-env-4f9a");
    ENVIRONMENT.put("DQN_LEARNER_INFERENCE_TOKEN", "tok-publisher-a19f");
    ENVIRONMENT.put("DQN_ENV_TOKEN", "tok-env-4f9a");
    ENVIRONMENT.put("DQN_REPLAY_TOKEN", "tok-replay-81c2");
    ENVIRONMENT.put("DQN_LEARNER_TOKEN", "tok-learner-d3e7");
    ENVIRONMENT.put("DQN_INFERENCE_TOKEN", "tok-actor-5b60");
  }

  @TempDir Path runs;

  @Test
  void aRunWithTokensOnEveryServiceTrainsAndPublishesWhileCallsWithoutTokensAreRefused() throws Exception {
    Process train =
        DqnProcess.start(runs, LOGS.resolve("train.log"), ENVIRONMENT, "train", "catch", "--run", "tokens", "--frames", "100000000", "--no-eval", "--no-dashboard",
            "--progress-seconds", "1");
    Path run = runs.resolve("tokens");
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (DqnProcess.newestMetrics(run) == null || DqnProcess.newestMetrics(run).modelVersion() == 0 || DqnProcess.newestMetrics(run).updates() == 0) {
        assertTrue(train.isAlive(), "dqn train ended:\n" + log());
        assertTrue(System.nanoTime() < deadline, "no update and no live model with tokens on:\n" + log());
        Thread.sleep(500);
      }
      // The learner updated (its replay token works), published (its publisher token works), and
      // the actors act with the live model (their inference and replay tokens work).
      Endpoints endpoints = Endpoints.read(run.resolve("services.properties"));
      refused(endpoints.env(), channel -> EnvServiceGrpc.newBlockingStub(channel).getActorStatus(GetActorStatusRequest.getDefaultInstance()));
      refused(endpoints.replay(), channel -> ReplayServiceGrpc.newBlockingStub(channel).getStats(GetStatsRequest.getDefaultInstance()));
      refused(endpoints.learner(), channel -> LearnerServiceGrpc.newBlockingStub(channel).getStatus(GetStatusRequest.getDefaultInstance()));
      refused(endpoints.inference(), channel -> InferenceServiceGrpc.newBlockingStub(channel).listModels(ListModelsRequest.getDefaultInstance()));
      // Metrics stay open (as gRPC health does: the command line waited on it), and name no secret.
      // HTTP/1.1, as Prometheus scrapes: the JDK client's default h2c upgrade once left a scrape
      // unanswered here for minutes (clean-clone CI); a timeout turns such a hang into a failure.
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
      for (String target : List.of(endpoints.env(), endpoints.replay(), endpoints.learner(), endpoints.inference())) {
        HttpResponse<String> metrics =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + target + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), target);
        assertTrue(metrics.body().contains("dqn_"), target + " exports its metrics");
        assertTrue(metrics.body().lines().noneMatch(line -> line.contains("tok-")), target + "'s metrics name a token");
      }
      // A game's token may act but not publish.
      ManagedChannel game = Channels.open(endpoints.inference(), Optional.of("tok-actor-5b60"));
      try {
        assertEquals(
            1,
            InferenceServiceGrpc.newBlockingStub(game)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsCount());
      } finally {
        game.shutdownNow();
      }
    } finally {
      train.destroy();
      assertTrue(train.waitFor(2, TimeUnit.MINUTES), "dqn train stops on SIGTERM");
    }
    assertEquals(0, train.exitValue(), log());
  }

  private static void refused(String target, Consumer<ManagedChannel> call) {
    ManagedChannel channel = Channels.open(target, Optional.empty());
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call.accept(channel));
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), target + ": " + e.getStatus());
    } finally {
      channel.shutdownNow();
    }
  }

  private static String log() {
    try {
      return Files.readString(LOGS.resolve("train.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
