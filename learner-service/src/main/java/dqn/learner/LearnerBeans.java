package dqn.learner;

import ai.djl.Device;
import dqn.client.replay.GrpcReplayClient;
import dqn.learner.checkpoint.CheckpointException;
import dqn.learner.checkpoint.CheckpointStore;
import dqn.learner.checkpoint.TrainingState;
import dqn.learner.config.LearnerConfig;
import dqn.learner.config.LearnerConfigCheck;
import dqn.learner.config.Networks;
import dqn.learner.djl.DjlRuntime;
import dqn.learner.djl.DjlTrainer;
import dqn.learner.dqn.Learner;
import dqn.learner.dqn.ReplayAgreement;
import dqn.learner.game.ActionSetLookup;
import dqn.learner.game.GameActions;
import dqn.learner.grpc.GrpcGameCatalog;
import dqn.learner.grpc.GrpcModelUploader;
import dqn.learner.metrics.LearnerMetrics;
import dqn.learner.ort.OrtRunner;
import dqn.learner.replay.PrefetchingSampler;
import dqn.learner.snapshot.SnapshotDirectory;
import dqn.learner.snapshot.SnapshotPublisher;
import dqn.qnetwork.Architecture;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Builds the learner from configuration when the service starts and closes it (with a final
 * checkpoint) when it stops. The network's actions are the game's, read from the env-service
 * first (the start waits for it). An unknown game, or a checkpoint that cannot be resumed, stops
 * the start with a message that says what to do.
 */
@ApplicationScoped
public class LearnerBeans {

  private static final Logger LOG = Logger.getLogger(LearnerBeans.class);

  private GrpcReplayClient replay;
  private GrpcModelUploader uploader;
  private DjlTrainer trainer;
  private Learner learner;

  @Produces
  @Singleton
  Learner learner(LearnerConfig config) {
    try {
      return build(config);
    } catch (RuntimeException e) {
      // The launcher exits without printing start-up failures other than a busy port.
      LOG.errorf("learner-service cannot start: %s", e.getMessage());
      onStop(null);
      throw e;
    }
  }

  private Learner build(LearnerConfig config) {
    LearnerConfigCheck.validate(config);
    GameActions actions = gameActions(config);
    LOG.info(LearnerConfigCheck.describe(config, actions));

    Device device =
        DjlRuntime.start(
            config.compute().device(), config.compute().intraOpThreads(), config.compute().interOpThreads());
    QNetworkSpec spec = Networks.spec(config.network(), actions.count());
    DjlTrainer.Precision precision =
        DjlRuntime.precision(config.compute().precision(), device, DjlRuntime.cpuFlags());
    LOG.infof("updates compute in %s (dqn.learner.compute.precision)", precision.name().toLowerCase(java.util.Locale.ROOT));
    trainer =
        new DjlTrainer(
            QNetworkWeights.random(spec, config.network().seed()), trainerSettings(config, precision), device);
    TrainingState resumed = resume(config, trainer);

    replay = new GrpcReplayClient(config.replayTarget(), config.data().rpcDeadlineMs(), config.replayToken());
    PrefetchingSampler sampler =
        new PrefetchingSampler(
            replay,
            new PrefetchingSampler.Settings(
                config.algorithm().batchSize(),
                config.algorithm().sampling(),
                config.data().prefetchDepth(),
                config.data().sampleTimeoutMs(),
                Duration.ofMillis(config.data().backoffInitialMs()),
                Duration.ofMillis(config.data().backoffMaxMs()),
                Duration.ofMillis(config.data().statsPeriodMs())));
    uploader =
        new GrpcModelUploader(
            config.inferenceTarget(), config.snapshots().uploadDeadlineMs(), config.inferenceToken());
    SnapshotPublisher publisher =
        new SnapshotPublisher(
            new SnapshotPublisher.Settings(
                config.snapshots().modelName().orElse(config.network().game()),
                config.network().game(),
                actions.meanings(),
                config.snapshots().maxAbsDiff(),
                config.snapshots().makeLive()),
            new SnapshotDirectory(config.snapshots().dir(), config.snapshots().keep()),
            new OrtRunner(),
            config.snapshots().upload() ? uploader : null);
    learner =
        new Learner(
            trainer,
            sampler,
            publisher,
            new CheckpointStore(config.checkpoints().dir(), config.checkpoints().keep()),
            learnerSettings(config, spec),
            config.network().seed(),
            resumed);
    return learner;
  }

  void onStart(@Observes StartupEvent event, Learner learner, LearnerConfig config, MeterRegistry metrics) {
    new LearnerMetrics(learner).bindTo(metrics);
    if (config.autoStart()) {
      learner.start();
    } else {
      LOG.info("dqn.learner.auto-start=false: waiting for the Start call");
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (learner != null) {
      learner.close();
    }
    if (trainer != null) {
      trainer.close();
    }
    if (replay != null) {
      replay.close();
    }
    if (uploader != null) {
      uploader.close();
    }
  }

  /**
   * The game's minimal action set from the env-service, waiting for it while it is not up yet. A
   * SIGTERM during the wait ends it (Quarkus' own shutdown waits for the start to finish).
   */
  private static GameActions gameActions(LearnerConfig config) {
    Thread waiting = Thread.currentThread();
    Thread stopWaiting = new Thread(waiting::interrupt, "learner-stop-waiting-for-env");
    Runtime.getRuntime().addShutdownHook(stopWaiting);
    try (GrpcGameCatalog games = new GrpcGameCatalog(config.envTarget(), config.data().rpcDeadlineMs(), config.envToken())) {
      return ActionSetLookup.resolve(
          games,
          config.network().game(),
          Duration.ofMillis(config.data().backoffInitialMs()),
          Duration.ofMillis(config.data().backoffMaxMs()));
    } catch (InterruptedException e) {
      throw new IllegalStateException(
          "stopped while waiting for the env-service at " + config.envTarget() + " (dqn.learner.env-target)", e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopWaiting);
      } catch (IllegalStateException shuttingDown) {
        // The hook has run or is running: nothing to remove.
      }
    }
  }

  private static TrainingState resume(LearnerConfig config, DjlTrainer trainer) {
    CheckpointStore store = new CheckpointStore(config.checkpoints().dir(), config.checkpoints().keep());
    if (config.startFresh()) {
      LOG.infof("dqn.learner.start-fresh=true: starting from fresh weights, ignoring checkpoints in %s", store.dir());
      return null;
    }
    String hint =
        " Fix or move the file, or set dqn.learner.start-fresh=true (DQN_LEARNER_START_FRESH=true) to start"
            + " from fresh weights.";
    Optional<TrainingState> newest;
    try {
      newest = store.loadNewest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint directory " + store.dir() + ": " + e.getMessage(), e);
    } catch (CheckpointException e) {
      throw new CheckpointException("cannot resume: " + e.getMessage() + hint, e);
    }
    if (newest.isEmpty()) {
      LOG.infof("no checkpoint in %s: starting from fresh weights", store.dir());
      return null;
    }
    try {
      trainer.restore(newest.get().engine());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          "cannot resume from the newest checkpoint in " + store.dir() + ": it is incompatible, " + e.getMessage() + "." + hint,
          e);
    }
    LOG.infof("resumed from the checkpoint at update %d in %s", newest.get().updateStep(), store.dir());
    return newest.get();
  }

  static DjlTrainer.Settings trainerSettings(LearnerConfig config, DjlTrainer.Precision precision) {
    LearnerConfig.Optimizer o = config.optimizer();
    DjlTrainer.OptimizerSettings optimizer =
        o.kind() == LearnerConfig.OptimizerKind.ADAM
            ? new DjlTrainer.OptimizerSettings.Adam(o.learningRate(), o.adam().beta1(), o.adam().beta2(), o.epsilon())
            : new DjlTrainer.OptimizerSettings.CenteredRmsProp(o.learningRate(), o.rmsprop().decay(), o.epsilon());
    return new DjlTrainer.Settings(
        config.algorithm().doubleDqn(),
        config.algorithm().huberDelta(),
        config.algorithm().maxGradNorm(),
        optimizer,
        precision);
  }

  static Learner.Settings learnerSettings(LearnerConfig config, QNetworkSpec spec) {
    LearnerConfig.Algorithm a = config.algorithm();
    return new Learner.Settings(
        a.sampling(),
        a.targetSyncPeriodUpdates(),
        config.snapshots().periodUpdates(),
        config.checkpoints().periodUpdates(),
        config.data().framesPerTransition(),
        new ReplayAgreement(
            a.nStep(),
            a.gamma(),
            a.learningStartsSteps(),
            a.batchSize(),
            a.updatePeriodSteps(),
            spec.observationShape(),
            spec.architecture() == Architecture.MLP),
        config.snapshots().probeBatch());
  }
}
