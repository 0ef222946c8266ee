package dqn.cli;

import dqn.client.Channels;
import dqn.client.inference.InferenceClient;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.ReplayServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The command line's connections to the four services of a run. */
final class ServiceClients implements AutoCloseable {

  private static final long DEADLINE_MS = 30_000;

  final Endpoints endpoints;
  private final ManagedChannel env;
  private final ManagedChannel replay;
  private final ManagedChannel learner;
  final InferenceClient inference;

  ServiceClients(Endpoints endpoints) {
    this.endpoints = endpoints;
    this.env = Channels.open(endpoints.env(), token("ENV"));
    this.replay = Channels.open(endpoints.replay(), token("REPLAY"));
    this.learner = Channels.open(endpoints.learner(), token("LEARNER"));
    this.inference = InferenceClient.connect(endpoints.inference(), token("INFERENCE"), Duration.ofMinutes(2));
  }

  /**
   * The bearer token for services that require one, from DQN_ENV_TOKEN, DQN_REPLAY_TOKEN,
   * DQN_LEARNER_TOKEN and DQN_INFERENCE_TOKEN (services this command starts itself need none).
   */
  private static Optional<String> token(String service) {
    return Optional.ofNullable(System.getenv("DQN_" + service + "_TOKEN")).filter(token -> !token.isBlank());
  }

  EnvServiceGrpc.EnvServiceBlockingStub env() {
    return EnvServiceGrpc.newBlockingStub(env).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** For StopActors, which waits until the replay has taken every step the actors sent. */
  EnvServiceGrpc.EnvServiceBlockingStub envStopping() {
    return EnvServiceGrpc.newBlockingStub(env).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  /** For WatchActor, a stream that lasts as long as the actors play (no deadline). */
  EnvServiceGrpc.EnvServiceBlockingStub envWatching() {
    return EnvServiceGrpc.newBlockingStub(env);
  }

  ReplayServiceGrpc.ReplayServiceBlockingStub replay() {
    return ReplayServiceGrpc.newBlockingStub(replay).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** The learner, with a longer deadline: a snapshot writes, verifies and uploads a file. */
  LearnerServiceGrpc.LearnerServiceBlockingStub learner() {
    return LearnerServiceGrpc.newBlockingStub(learner).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  /** A service's gRPC health at host:port: SERVING, or what is wrong. */
  static String health(String target) {
    ManagedChannel channel = Channels.open(target, Optional.empty());
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus()
          .name();
    } catch (StatusRuntimeException e) {
      return "unreachable (" + e.getStatus().getCode() + ")";
    } finally {
      Channels.close(channel);
    }
  }

  @Override
  public void close() {
    Channels.close(env);
    Channels.close(replay);
    Channels.close(learner);
    inference.close();
  }
}
