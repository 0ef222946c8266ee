package dqn.env.grpc;

import dqn.client.inference.InferenceClient;
import dqn.client.replay.ReplayWriter;
import dqn.env.actors.ActionSource;
import dqn.env.actors.ActorPool;
import dqn.env.actors.FallbackActionSource;
import dqn.env.actors.LastModelCopy;
import dqn.env.actors.LocalPolicy;
import dqn.env.actors.StepSink;
import dqn.env.config.ActorConfig;
import dqn.env.ort.OrtLocalPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actors' connections: one channel to the inference-service shared by all actors (each with
 * its own ActStream), one copy per model of the last version it served (for acting while it is
 * away), and one acknowledged replay writer per actor.
 */
public final class GrpcConnections implements ActorPool.Connections, AutoCloseable {

  private final ActorConfig config;
  private final InferenceClient inference;
  private final Map<String, LastModelCopy> copies = new ConcurrentHashMap<>();

  public GrpcConnections(ActorConfig config) {
    this.config = config;
    this.inference =
        InferenceClient.connect(config.inferenceTarget(), config.inferenceToken(), config.inferenceTimeout());
  }

  @Override
  public ActionSource actionSource(String model) {
    GrpcActionSource served = new GrpcActionSource(inference, model, config.inferenceTimeout());
    if (!config.actWithLastModel()) {
      return served;
    }
    LastModelCopy copy = copies.computeIfAbsent(model, name -> new LastModelCopy(name, this::download));
    return new FallbackActionSource(served, copy, "an actor of model " + model);
  }

  private LocalPolicy download(String model, long version) {
    InferenceClient.DownloadedModel downloaded = inference.download(model, version);
    return OrtLocalPolicy.open(downloaded.info().getVersion(), downloaded.onnx());
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
    copies.values().forEach(LastModelCopy::close);
    inference.close();
  }
}
