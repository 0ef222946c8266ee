package dqn.env.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The actor loops (dqn.env.actors.*; env DQN_ENV_ACTORS_...). What they play, how many and how
 * they explore come from the run specification (DQN_RUN_SPEC); StartActors may override each.
 */
@ConfigMapping(prefix = "dqn.env.actors")
public interface ActorConfig {

  /** Start the actors when the service starts (a Kubernetes deployment trains when applied). */
  @WithDefault("false")
  boolean autostart();

  /** Inference-service address, host:port. */
  @WithDefault("127.0.0.1:50054")
  String inferenceTarget();

  /** Bearer token for the inference-service, when it requires one. */
  Optional<String> inferenceToken();

  /** Replay-service address, host:port. */
  @WithDefault("127.0.0.1:50052")
  String replayTarget();

  /** Bearer token for the replay-service, when it requires one (DQN_ENV_ACTORS_REPLAY_TOKEN). */
  Optional<String> replayToken();

  /**
   * Keep acting while the inference-service is unreachable, with the last model version it served,
   * downloaded and run here in ONNX Runtime; false: actors pause until it answers again.
   */
  @WithDefault("true")
  boolean actWithLastModel();

  /** How long an actor waits for one batch of actions before it counts the service unreachable. */
  @WithDefault("10s")
  Duration inferenceTimeout();

  /** Steps of one session sent to the replay together (an episode end is sent at once). */
  @WithDefault("32")
  int replayStepsPerRequest();

  /**
   * Steps an actor holds unacknowledged before it waits for the replay: two requests per session of
   * the default 8, so that the replay's rate limiter holds the actors back within a few steps and
   * a stop flushes quickly.
   */
  @WithDefault("512")
  int replayMaxUnackedSteps();

  /** Prefix of the replay stream ids. */
  @WithDefault("actor")
  String streamPrefix();

  /** Model name at the inference-service; unset: the game's name. */
  Optional<String> model();

  String game();

  int count();

  int sessionsPerActor();

  long seed();

  Exploration exploration();

  Preprocessing preprocessing();

  /** From the run specification's exploration.* keys. */
  interface Exploration {
    /** linear or ape-x. */
    String mode();

    double epsilonStart();

    double epsilonEnd();

    long epsilonDecayFrames();
  }

  /** From the run specification's preprocessing.* keys. */
  interface Preprocessing {
    int frameSkip();

    int frameStack();

    int screenHeight();

    int screenWidth();

    int noopMax();

    boolean fireOnReset();

    boolean terminalOnLifeLoss();

    float repeatActionProbability();

    int maxEpisodeFrames();
  }
}
