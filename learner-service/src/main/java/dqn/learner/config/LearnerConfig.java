package dqn.learner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the learner in one place, grouped by concern, with the published defaults
 * (Mnih et al. 2015 "Nature" unless a line says otherwise). Each is a property under
 * {@code dqn.learner.} and an environment variable, e.g. {@code dqn.learner.algorithm.batch-size}
 * ← {@code DQN_LEARNER_ALGORITHM_BATCH_SIZE}. {@link LearnerConfigCheck} rejects impossible
 * values at start-up.
 */
@ConfigMapping(prefix = "dqn.learner")
public interface LearnerConfig {

  /** Replay-service address, host:port. */
  @WithDefault("127.0.0.1:50052")
  String replayTarget();

  /** Inference-service address, host:port; snapshots are uploaded there. */
  @WithDefault("127.0.0.1:50054")
  String inferenceTarget();

  /** Bearer token for the inference-service, when it requires one (DQN_LEARNER_INFERENCE_TOKEN). */
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

  Exploration exploration();

  Data data();

  Snapshots snapshots();

  Checkpoints checkpoints();

  Compute compute();

  /** The Q-network trained. */
  interface Network {
    /** nature (Mnih 2015), nips (Mnih 2013) or mlp (small inputs, tests). */
    @WithDefault("nature")
    String architecture();

    /** Dueling head (Wang et al. 2016): Q = V + A - mean(A). */
    @WithDefault("false")
    boolean dueling();

    /** Number of actions A (Pong's minimal set: 6). */
    @WithDefault("6")
    int numActions();

    /** Meaning of each action index, written into the ONNX metadata. */
    Optional<List<String>> actionMeanings();

    /** Game the agent plays; also the model name snapshots are published under. */
    @WithDefault("pong")
    String game();

    /** Values in one (flattened) observation, for the mlp architecture. */
    Optional<Integer> mlpInputSize();

    /** Hidden layer sizes of the mlp architecture. */
    @WithDefault("64,64")
    List<Integer> mlpHidden();

    /** Seed of the initial weights and of the learner's random number generator. */
    @WithDefault("1")
    long seed();
  }

  /** The DQN update and its gates. */
  interface Algorithm {
    /** Transitions per update (minibatch size). */
    @WithDefault("32")
    int batchSize();

    /** Discount the replay's n-step returns must use; checked against the replay's own. */
    @WithDefault("0.99")
    double gamma();

    /** n of the n-step returns the replay must hand out (1 in Nature); checked like gamma. */
    @WithDefault("1")
    int nStep();

    /** Double DQN (van Hasselt et al. 2016): the online network picks a', the target rates it. */
    @WithDefault("false")
    boolean doubleDqn();

    /**
     * Updates between hard copies of the online weights into the target network. 2,500 is the
     * Nature code's 10,000 agent steps at one update per 4 steps.
     */
    @WithDefault("2500")
    long targetSyncPeriodUpdates();

    /** Transitions the actors must have inserted before the first update (replay start size). */
    @WithDefault("50000")
    long learningStartsTransitions();

    /**
     * One update per this many inserted transitions (Nature: every 4 agent steps); 0 leaves the
     * pace to the replay's samples-per-insert limiter.
     */
    @WithDefault("4")
    int updatePeriodTransitions();

    /** Huber loss threshold (Nature's error clipping to [-1, 1]). */
    @WithDefault("1.0")
    double huberDelta();

    /** Maximum global gradient L2 norm; 0 disables clipping. */
    @WithDefault("10")
    double maxGradNorm();

    /** uniform or prioritized sampling; prioritized sends |TD error| back as priorities. */
    @WithDefault("uniform")
    dqn.learner.replay.SamplingMode sampling();

    /** Added to |TD error| so no transition's priority reaches 0. */
    @WithDefault("1e-6")
    double priorityEpsilon();
  }

  /** The gradient step. */
  interface Optimizer {
    /** adam or centered-rmsprop. */
    @WithDefault("adam")
    OptimizerKind kind();

    /** Adam as in Rainbow / Dopamine (Hessel et al. 2018). */
    Adam adam();

    /** Centered RMSProp as in the Nature paper (Graves 2013). */
    RmsProp rmsprop();

    interface Adam {
      @WithDefault("6.25e-5")
      double learningRate();

      @WithDefault("1.5e-4")
      double epsilon();

      @WithDefault("0.9")
      double beta1();

      @WithDefault("0.999")
      double beta2();
    }

    interface RmsProp {
      @WithDefault("2.5e-4")
      double learningRate();

      /** Decay of the squared and plain gradient averages ("gradient momentum" 0.95). */
      @WithDefault("0.95")
      double decay();

      /** Added inside the square root ("min squared gradient" 0.01). */
      @WithDefault("0.01")
      double epsilon();
    }
  }

  /** The exploration schedule the learner reports for actors. */
  interface Exploration {
    @WithDefault("1.0")
    double epsilonStart();

    @WithDefault("0.1")
    double epsilonEnd();

    /** Emulator frames over which epsilon falls linearly from start to end. */
    @WithDefault("1000000")
    long epsilonDecayFrames();
  }

  /** The data path from the replay. */
  interface Data {
    /** Sample calls kept in flight (and batches kept ready). */
    @WithDefault("3")
    int prefetchDepth();

    /** How long one Sample call may wait for the replay's rate limiter, ms. */
    @WithDefault("1000")
    int sampleTimeoutMs();

    /** Deadline of one call to the replay, ms. */
    @WithDefault("30000")
    long rpcDeadlineMs();

    /** First retry delay after the replay failed, ms; doubles up to backoff-max-ms. */
    @WithDefault("200")
    long backoffInitialMs();

    @WithDefault("5000")
    long backoffMaxMs();

    /** How often the replay's statistics are read, ms. */
    @WithDefault("1000")
    long statsPeriodMs();

    /** Emulator frames per inserted transition (the frame skip), for env-frame counts. */
    @WithDefault("4")
    int framesPerTransition();
  }

  /** ONNX snapshots of the online network. */
  interface Snapshots {
    /** Directory the ONNX files are kept in. */
    @WithDefault("learner-data/snapshots")
    Path dir();

    /** Updates between snapshots; 0 takes them only on request. */
    @WithDefault("5000")
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
    @WithDefault("learner-data/checkpoints")
    Path dir();

    /** Updates between checkpoints (one is also written on shutdown); 0 only on shutdown. */
    @WithDefault("10000")
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
