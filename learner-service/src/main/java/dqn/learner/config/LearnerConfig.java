package dqn.learner.config;

import dqn.client.replay.SamplingMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the learner in one place, grouped by concern. Each is a property under
 * {@code dqn.learner.} and an environment variable, e.g. {@code dqn.learner.algorithm.batch-size}
 * ← {@code DQN_LEARNER_ALGORITHM_BATCH_SIZE}. The experiment settings have no default here: they
 * come from the run specification ({@code dqn.run-spec} / {@code DQN_RUN_SPEC}, else the built-in
 * one for pong; see {@code dqn.runspec.RunSpec#learnerProperties}), so the replay and the learner
 * derive what they must agree on from one file. {@link LearnerConfigCheck} rejects impossible
 * values at start-up.
 */
@ConfigMapping(prefix = "dqn.learner")
public interface LearnerConfig {

  /** Replay-service address, host:port. */
  @WithDefault("127.0.0.1:50052")
  String replayTarget();

  /** Bearer token for the replay-service, when it requires one (DQN_LEARNER_REPLAY_TOKEN). */
  Optional<String> replayToken();

  /** Env-service address, host:port; the game's action set is read from it at start. */
  @WithDefault("127.0.0.1:50051")
  String envTarget();

  /** Bearer token for the env-service, when it requires one (DQN_LEARNER_ENV_TOKEN). */
  Optional<String> envToken();

  /** Inference-service address, host:port; snapshots are uploaded there. */
  @WithDefault("127.0.0.1:50054")
  String inferenceTarget();

  /**
   * Bearer token for the inference-service, when it requires one (DQN_LEARNER_INFERENCE_TOKEN): a
   * publisher token when the inference-service has publisher tokens, since the learner uploads.
   */
  Optional<String> inferenceToken();

  /** Start training as soon as the service is up (otherwise wait for the Start RPC). */
  @WithDefault("true")
  boolean autoStart();

  /** Ignore (and keep) existing checkpoints, including corrupt or incompatible ones. */
  @WithDefault("false")
  boolean startFresh();

  Network network();

  Algorithm algorithm();

  Optimizer optimizer();

  Data data();

  Snapshots snapshots();

  Checkpoints checkpoints();

  Compute compute();

  /**
   * The Q-network trained. Its actions are the game's minimal action set, as the env-service lists
   * it (the actors play with that set).
   */
  interface Network {
    /** nature (Mnih 2015), nips (Mnih 2013) or mlp (small inputs, tests). */
    String architecture();

    /** Dueling head (Wang et al. 2016): Q = V + A - mean(A). */
    boolean dueling();

    /** Game the agent plays (an env-service game name); also the model name snapshots get. */
    String game();

    /** Frames stacked into one state: the network's input channels; the replay's must match. */
    int frameStack();

    /** Height of a frame in pixels; the replay's must match. */
    int frameHeight();

    /** Width of a frame in pixels; the replay's must match. */
    int frameWidth();

    /** Values in one (flattened) observation, for the mlp architecture. */
    Optional<Integer> mlpInputSize();

    /** Hidden layer sizes of the mlp architecture. */
    @WithDefault("64,64")
    List<Integer> mlpHidden();

    /** Seed of the initial weights and of the learner's random number generator. */
    long seed();
  }

  /**
   * The DQN update. Its pace is the replay's: its rate limiter serves no sample below
   * learning-starts-steps and one batch per update-period-steps inserted; the learner
   * checks that the replay's limiter says so before its first update.
   */
  interface Algorithm {
    /** Transitions per update (minibatch size). */
    int batchSize();

    /** Discount the replay's n-step returns must use; checked against the replay's own. */
    double gamma();

    /** n of the n-step returns the replay must hand out; checked like gamma. */
    int nStep();

    /** Double DQN (van Hasselt et al. 2016): the online network picks a', the target rates it. */
    boolean doubleDqn();

    /** Updates between hard copies of the online weights into the target network. */
    long targetSyncPeriodUpdates();

    /**
     * Transitions in the replay before the first update (replay start size): the replay's
     * min_size_to_sample must equal it.
     */
    long learningStartsSteps();

    /**
     * One update per this many inserted transitions: the replay's samples_per_insert must be
     * batch-size / update-period-steps.
     */
    int updatePeriodSteps();

    /** Huber loss threshold (Nature's error clipping to [-1, 1]). */
    double huberDelta();

    /** Maximum global gradient L2 norm; 0 disables clipping. */
    double maxGradNorm();

    /**
     * uniform or prioritized sampling; prioritized sends |TD error| back as priorities (the replay adds
     * its {@code prioritized.epsilon}, so none reaches 0).
     */
    SamplingMode sampling();
  }

  /** The gradient step. */
  interface Optimizer {
    /** adam (as in Rainbow / Dopamine) or centered-rmsprop (as in the Nature paper, Graves 2013). */
    OptimizerKind kind();

    double learningRate();

    /**
     * Adam: added to the root of the second moment. Centered RMSProp: added inside the square root
     * (DeepMind's "min squared gradient", 0.01 in Nature).
     */
    double epsilon();

    Adam adam();

    RmsProp rmsprop();

    interface Adam {
      @WithDefault("0.9")
      double beta1();

      @WithDefault("0.999")
      double beta2();
    }

    interface RmsProp {
      /** Decay of the squared and plain gradient averages ("gradient momentum" 0.95). */
      @WithDefault("0.95")
      double decay();
    }
  }

  /** The data path from the replay. */
  interface Data {
    /** Sample calls kept in flight (and batches kept ready). */
    @WithDefault("3")
    int prefetchDepth();

    /**
     * How long one Sample call may wait in the replay's rate limiter, ms; the call returns as soon
     * as an insert lets the batch through, and is made again at once when the wait runs out.
     */
    @WithDefault("1000")
    int sampleTimeoutMs();

    /** Deadline of one call to the replay, ms. */
    @WithDefault("30000")
    long rpcDeadlineMs();

    /** First retry delay after the replay or the env-service failed, ms; doubles up to backoff-max-ms. */
    @WithDefault("200")
    long backoffInitialMs();

    @WithDefault("5000")
    long backoffMaxMs();

    /** How often the replay's statistics (insert counter, settings) are read, ms. */
    @WithDefault("1000")
    long statsPeriodMs();

    /** Emulator frames per inserted transition (the frame skip), for env-frame counts. */
    int framesPerTransition();
  }

  /** ONNX snapshots of the online network. */
  interface Snapshots {
    /** Directory the ONNX files are kept in (the command line puts it in the run directory). */
    @WithDefault("learner-data/snapshots")
    Path dir();

    /** Updates between snapshots; 0 takes them only on request. */
    long periodUpdates();

    /** Newest files kept in the directory; older ones are deleted. */
    @WithDefault("20")
    int keep();

    /** Model name at the inference-service; empty uses the game's name. */
    Optional<String> modelName();

    /** Upload each verified snapshot to the inference-service. */
    @WithDefault("true")
    boolean upload();

    /** Make each uploaded snapshot the live version. */
    @WithDefault("true")
    boolean makeLive();

    /** Largest |ONNX Runtime - training engine| on the probe batch for a snapshot to count. */
    @WithDefault("1e-4")
    double maxAbsDiff();

    /** States in the fixed probe batch. */
    @WithDefault("8")
    int probeBatch();

    /** Deadline of one upload, ms. */
    @WithDefault("60000")
    long uploadDeadlineMs();
  }

  /** The whole training state, for resuming. */
  interface Checkpoints {
    /** Directory the checkpoints are kept in (the command line puts it in the run directory). */
    @WithDefault("learner-data/checkpoints")
    Path dir();

    /** Updates between checkpoints (one is also written on shutdown); 0 only on shutdown. */
    long periodUpdates();

    /** Newest checkpoints kept. */
    @WithDefault("3")
    int keep();
  }

  /** Where and with how many threads the network trains. */
  interface Compute {
    /** auto (CUDA when the libtorch present supports it), cpu or gpu. */
    @WithDefault("auto")
    DeviceChoice device();

    /**
     * libtorch intra-op threads. 1 by default: with more, OpenMP busy-waits and collapses when
     * the learner shares cores with other services.
     */
    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("1")
    int interOpThreads();

    /**
     * What updates compute the hidden layers in: float32, or bfloat16 (mixed precision: about 1.5×
     * faster updates on a CPU with AVX-512 BF16, but Pong learned more slowly per frame with it;
     * docs/performance.md). Parameters, optimizer state, loss, output layers and snapshots are
     * float32 in both.
     */
    @WithDefault("float32")
    PrecisionChoice precision();
  }

  /** Precision choices. */
  enum PrecisionChoice {
    FLOAT32,
    BFLOAT16
  }

  /** Optimizer kinds. */
  enum OptimizerKind {
    ADAM,
    CENTERED_RMSPROP
  }

  /** Device choices. */
  enum DeviceChoice {
    AUTO,
    CPU,
    GPU
  }
}
