package dqn.env.grpc;

import dqn.client.inference.InferenceClient;
import dqn.client.replay.ReplayWriter;
import dqn.env.actors.ActionSource;
import dqn.env.actors.ActorPool;
import dqn.env.actors.StepSink;
import dqn.env.config.ActorConfig;
import java.time.Duration;

/**
 * The actors' connections: one channel to the inference-service shared by all actors (each with
 * its own ActStream), and one acknowledged replay writer per actor.
 */
public final class GrpcConnections implements ActorPool.Connections, AutoCloseable {

  private final ActorConfig config;
  private final InferenceClient inference;

  public GrpcConnections(ActorConfig config) {
    this.config = config;
    this.inference =
        InferenceClient.connect(config.inferenceTarget(), config.inferenceToken(), config.inferenceTimeout());
  }

  @Override
  public ActionSource actionSource(String model) {
    return new GrpcActionSource(inference, model, config.inferenceTimeout());
  }

  @Override
  public StepSink stepSink() {
    return new GrpcStepSink(
        ReplayWriter.connect(
            config.replayTarget(),
            config.replayToken(),
            new ReplayWriter.Settings(
                config.replayStepsPerRequest(),
                config.replayMaxUnackedSteps(),
                Duration.ofMillis(200),
                Duration.ofSeconds(5))));
  }

  @Override
  public void close() {
    inference.close();
  }
}
