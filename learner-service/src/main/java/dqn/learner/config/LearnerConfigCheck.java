package dqn.learner.config;

import dqn.learner.game.GameActions;
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
    target(problems, "dqn.learner.env-target", c.envTarget());
    target(problems, "dqn.learner.inference-target", c.inferenceTarget());

    LearnerConfig.Network n = c.network();
    String arch = n.architecture();
    if (!List.of("nature", "nips", "mlp").contains(arch)) {
      problems.add("dqn.learner.network.architecture must be nature, nips or mlp, got '" + arch + "'");
    }
    positive(problems, "dqn.learner.network.frame-stack", n.frameStack());
    positive(problems, "dqn.learner.network.frame-height", n.frameHeight());
    positive(problems, "dqn.learner.network.frame-width", n.frameWidth());
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
    positive(problems, "dqn.learner.algorithm.learning-starts-steps", a.learningStartsSteps());
    positive(problems, "dqn.learner.algorithm.update-period-steps", a.updatePeriodSteps());
    if (!(a.huberDelta() > 0)) {
      problems.add("dqn.learner.algorithm.huber-delta must be > 0, got " + a.huberDelta());
    }
    if (!(a.maxGradNorm() >= 0)) {
      problems.add("dqn.learner.algorithm.max-grad-norm must be >= 0 (0 disables), got " + a.maxGradNorm());
    }

    LearnerConfig.Optimizer o = c.optimizer();
    if (!(o.learningRate() > 0)) {
      problems.add("dqn.learner.optimizer.learning-rate must be > 0, got " + o.learningRate());
    }
    if (!(o.epsilon() > 0)) {
      problems.add("dqn.learner.optimizer.epsilon must be > 0, got " + o.epsilon());
    }
    if (!(o.adam().beta1() >= 0 && o.adam().beta1() < 1 && o.adam().beta2() >= 0 && o.adam().beta2() < 1)) {
      problems.add("dqn.learner.optimizer.adam.beta1 and beta2 must lie in [0, 1)");
    }
    if (!(o.rmsprop().decay() >= 0 && o.rmsprop().decay() < 1)) {
      problems.add("dqn.learner.optimizer.rmsprop.decay must lie in [0, 1), got " + o.rmsprop().decay());
    }

    LearnerConfig.Data d = c.data();
    positive(problems, "dqn.learner.data.prefetch-depth", d.prefetchDepth());
    // A Sample held by the rate limiter is asked again at once: 0 would turn that into polling.
    positive(problems, "dqn.learner.data.sample-timeout-ms", d.sampleTimeoutMs());
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

  /** The values in effect, with the game's action set, for the log. */
  public static String describe(LearnerConfig c, GameActions actions) {
    LearnerConfig.Algorithm a = c.algorithm();
    LearnerConfig.Optimizer o = c.optimizer();
    String optimizer =
        o.kind() == LearnerConfig.OptimizerKind.ADAM
            ? String.format(
                "adam lr=%s eps=%s betas=(%s, %s)", o.learningRate(), o.epsilon(), o.adam().beta1(), o.adam().beta2())
            : String.format(
                "centered-rmsprop lr=%s decay=%s eps=%s", o.learningRate(), o.rmsprop().decay(), o.epsilon());
    String input =
        "mlp".equals(c.network().architecture())
            ? "[" + c.network().mlpInputSize().orElse(0) + "]"
            : String.format("[%d, %d, %d]", c.network().frameStack(), c.network().frameHeight(), c.network().frameWidth());
    return String.format(
        "learner settings: replay=%s env=%s inference=%s | network=%s%s input=%s game=%s actions=%d %s |"
            + " batch=%d gamma=%s n-step=%d double-dqn=%s target-sync=%d updates huber=%s max-grad-norm=%s"
            + " sampling=%s | paced by the replay: learning starts at %d transitions, one update per %d"
            + " inserted | %s | prefetch=%d | snapshots every %d updates into %s (upload=%s) | checkpoints"
            + " every %d updates into %s (keep %d, start-fresh=%s) | device=%s threads=%d/%d",
        c.replayTarget(),
        c.envTarget(),
        c.inferenceTarget(),
        c.network().architecture(),
        c.network().dueling() ? "+dueling" : "",
        input,
        actions.game(),
        actions.count(),
        actions.meanings(),
        a.batchSize(),
        a.gamma(),
        a.nStep(),
        a.doubleDqn(),
        a.targetSyncPeriodUpdates(),
        a.huberDelta(),
        a.maxGradNorm(),
        a.sampling().name().toLowerCase(),
        a.learningStartsSteps(),
        a.updatePeriodSteps(),
        optimizer,
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
