package dqn.learner.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rejects impossible settings at start-up, all at once, each with the property to change; and
 * writes the values in effect to the log once.
 */
public final class LearnerConfigCheck {

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:]+:\\d{1,5}|dns:///\\S+");
  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private LearnerConfigCheck() {}

  /**
   * @throws IllegalArgumentException listing every impossible value
   */
  public static void validate(LearnerConfig c) {
    List<String> problems = new ArrayList<>();
    target(problems, "dqn.learner.replay-target", c.replayTarget());
    target(problems, "dqn.learner.inference-target", c.inferenceTarget());

    LearnerConfig.Network n = c.network();
    String arch = n.architecture();
    if (!List.of("nature", "nips", "mlp").contains(arch)) {
      problems.add("dqn.learner.network.architecture must be nature, nips or mlp, got '" + arch + "'");
    }
    positive(problems, "dqn.learner.network.num-actions", n.numActions());
    if (n.actionMeanings().isPresent() && n.actionMeanings().get().size() != n.numActions()) {
      problems.add(
          "dqn.learner.network.action-meanings lists "
              + n.actionMeanings().get().size()
              + " names for "
              + n.numActions()
              + " actions");
    }
    if ("mlp".equals(arch) && n.mlpInputSize().filter(size -> size > 0).isEmpty()) {
      problems.add("dqn.learner.network.mlp-input-size must be set (>= 1) for the mlp architecture");
    }
    if (n.mlpHidden().isEmpty() || n.mlpHidden().stream().anyMatch(h -> h < 1)) {
      problems.add("dqn.learner.network.mlp-hidden must list widths >= 1, got " + n.mlpHidden());
    }
    if (!MODEL_NAME.matcher(c.snapshots().modelName().orElse(n.game())).matches()) {
      problems.add(
          "the model name '"
              + c.snapshots().modelName().orElse(n.game())
              + "' (dqn.learner.snapshots.model-name, else dqn.learner.network.game) may hold only letters,"
              + " digits, '-', '_' and '.', at most 64");
    }

    LearnerConfig.Algorithm a = c.algorithm();
    positive(problems, "dqn.learner.algorithm.batch-size", a.batchSize());
    if (!(a.gamma() > 0 && a.gamma() <= 1)) {
      problems.add("dqn.learner.algorithm.gamma must lie in (0, 1], got " + a.gamma());
    }
    positive(problems, "dqn.learner.algorithm.n-step", a.nStep());
    positive(problems, "dqn.learner.algorithm.target-sync-period-updates", a.targetSyncPeriodUpdates());
    nonNegative(problems, "dqn.learner.algorithm.learning-starts-transitions", a.learningStartsTransitions());
    nonNegative(problems, "dqn.learner.algorithm.update-period-transitions", a.updatePeriodTransitions());
    if (!(a.huberDelta() > 0)) {
      problems.add("dqn.learner.algorithm.huber-delta must be > 0, got " + a.huberDelta());
    }
    if (!(a.maxGradNorm() >= 0)) {
      problems.add("dqn.learner.algorithm.max-grad-norm must be >= 0 (0 disables), got " + a.maxGradNorm());
    }
    if (!(a.priorityEpsilon() >= 0)) {
      problems.add("dqn.learner.algorithm.priority-epsilon must be >= 0, got " + a.priorityEpsilon());
    }

    LearnerConfig.Optimizer.Adam adam = c.optimizer().adam();
    if (!(adam.learningRate() > 0) || !(adam.epsilon() > 0)) {
      problems.add("dqn.learner.optimizer.adam.learning-rate and epsilon must be > 0");
    }
    if (!(adam.beta1() >= 0 && adam.beta1() < 1 && adam.beta2() >= 0 && adam.beta2() < 1)) {
      problems.add("dqn.learner.optimizer.adam.beta1 and beta2 must lie in [0, 1)");
    }
    LearnerConfig.Optimizer.RmsProp rms = c.optimizer().rmsprop();
    if (!(rms.learningRate() > 0) || !(rms.epsilon() > 0) || !(rms.decay() >= 0 && rms.decay() < 1)) {
      problems.add(
          "dqn.learner.optimizer.rmsprop needs learning-rate > 0, epsilon > 0 and decay in [0, 1)");
    }

    LearnerConfig.Exploration e = c.exploration();
    if (!(e.epsilonStart() >= 0 && e.epsilonStart() <= 1 && e.epsilonEnd() >= 0 && e.epsilonEnd() <= 1)) {
      problems.add("dqn.learner.exploration.epsilon-start and epsilon-end must lie in [0, 1]");
    }
    nonNegative(problems, "dqn.learner.exploration.epsilon-decay-frames", e.epsilonDecayFrames());

    LearnerConfig.Data d = c.data();
    positive(problems, "dqn.learner.data.prefetch-depth", d.prefetchDepth());
    nonNegative(problems, "dqn.learner.data.sample-timeout-ms", d.sampleTimeoutMs());
    positive(problems, "dqn.learner.data.rpc-deadline-ms", d.rpcDeadlineMs());
    positive(problems, "dqn.learner.data.backoff-initial-ms", d.backoffInitialMs());
    if (d.backoffMaxMs() < d.backoffInitialMs()) {
      problems.add("dqn.learner.data.backoff-max-ms must be >= backoff-initial-ms");
    }
    positive(problems, "dqn.learner.data.stats-period-ms", d.statsPeriodMs());
    positive(problems, "dqn.learner.data.frames-per-transition", d.framesPerTransition());

    LearnerConfig.Snapshots s = c.snapshots();
    nonNegative(problems, "dqn.learner.snapshots.period-updates", s.periodUpdates());
    positive(problems, "dqn.learner.snapshots.keep", s.keep());
    positive(problems, "dqn.learner.snapshots.probe-batch", s.probeBatch());
    positive(problems, "dqn.learner.snapshots.upload-deadline-ms", s.uploadDeadlineMs());
    if (!(s.maxAbsDiff() > 0)) {
      problems.add("dqn.learner.snapshots.max-abs-diff must be > 0, got " + s.maxAbsDiff());
    }

    nonNegative(problems, "dqn.learner.checkpoints.period-updates", c.checkpoints().periodUpdates());
    positive(problems, "dqn.learner.checkpoints.keep", c.checkpoints().keep());
    if (c.checkpoints().dir().toAbsolutePath().normalize().equals(s.dir().toAbsolutePath().normalize())) {
      problems.add("dqn.learner.checkpoints.dir and dqn.learner.snapshots.dir must differ");
    }

    positive(problems, "dqn.learner.compute.intra-op-threads", c.compute().intraOpThreads());
    positive(problems, "dqn.learner.compute.inter-op-threads", c.compute().interOpThreads());

    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the learner's configuration is impossible:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** The values in effect, for the log. */
  public static String describe(LearnerConfig c) {
    LearnerConfig.Algorithm a = c.algorithm();
    String optimizer =
        c.optimizer().kind() == LearnerConfig.OptimizerKind.ADAM
            ? String.format(
                "adam lr=%s eps=%s betas=(%s, %s)",
                c.optimizer().adam().learningRate(),
                c.optimizer().adam().epsilon(),
                c.optimizer().adam().beta1(),
                c.optimizer().adam().beta2())
            : String.format(
                "centered-rmsprop lr=%s decay=%s eps=%s",
                c.optimizer().rmsprop().learningRate(),
                c.optimizer().rmsprop().decay(),
                c.optimizer().rmsprop().epsilon());
    return String.format(
        "learner settings: replay=%s inference=%s network=%s%s actions=%d game=%s |"
            + " batch=%d gamma=%s n-step=%d double-dqn=%s target-sync=%d updates learning-starts=%d"
            + " transitions update-period=%d transitions huber=%s max-grad-norm=%s sampling=%s | %s |"
            + " epsilon %s->%s over %d frames | prefetch=%d | snapshots every %d updates into %s"
            + " (upload=%s) | checkpoints every %d updates into %s (keep %d, start-fresh=%s) |"
            + " device=%s threads=%d/%d",
        c.replayTarget(),
        c.inferenceTarget(),
        c.network().architecture(),
        c.network().dueling() ? "+dueling" : "",
        c.network().numActions(),
        c.network().game(),
        a.batchSize(),
        a.gamma(),
        a.nStep(),
        a.doubleDqn(),
        a.targetSyncPeriodUpdates(),
        a.learningStartsTransitions(),
        a.updatePeriodTransitions(),
        a.huberDelta(),
        a.maxGradNorm(),
        a.sampling().name().toLowerCase(),
        optimizer,
        c.exploration().epsilonStart(),
        c.exploration().epsilonEnd(),
        c.exploration().epsilonDecayFrames(),
        c.data().prefetchDepth(),
        c.snapshots().periodUpdates(),
        c.snapshots().dir(),
        c.snapshots().upload(),
        c.checkpoints().periodUpdates(),
        c.checkpoints().dir(),
        c.checkpoints().keep(),
        c.startFresh(),
        c.compute().device().name().toLowerCase(),
        c.compute().intraOpThreads(),
        c.compute().interOpThreads());
  }

  private static void target(List<String> problems, String key, String value) {
    if (!HOST_PORT.matcher(value).matches()) {
      problems.add(key + " must be host:port, got '" + value + "'");
    }
  }

  private static void positive(List<String> problems, String key, long value) {
    if (value < 1) {
      problems.add(key + " must be >= 1, got " + value);
    }
  }

  private static void nonNegative(List<String> problems, String key, long value) {
    if (value < 0) {
      problems.add(key + " must be >= 0, got " + value);
    }
  }
}
