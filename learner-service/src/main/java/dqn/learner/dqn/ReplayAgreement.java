package dqn.learner.dqn;

import dqn.client.replay.ReplayInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the replay must agree on with this learner before the first update, each pair a learner
 * setting and a replay setting that one run specification derives together: the n-step returns
 * (n and gamma), the pace (the rate limiter's minimum size is the learner's learning start, its
 * samples per insert the learner's batch size per update period) and the shape of a state.
 *
 * @param networkInputShape [frame stack, height, width] of a conv network, [values] of an mlp
 * @param flatInput the network is an mlp: only the number of values in a state must agree
 */
public record ReplayAgreement(
    int nStep,
    double gamma,
    long learningStartsSteps,
    int batchSize,
    int updatePeriodSteps,
    int[] networkInputShape,
    boolean flatInput) {

  /** Sampled transitions per inserted one that this learner's settings stand for. */
  public double samplesPerInsert() {
    return (double) batchSize / updatePeriodSteps;
  }

  /**
   * Every disagreement, each naming the learner's key and the replay's, or null when the replay
   * agrees. A replay that does not report n-step, gamma or the state shape (0 or empty) is not held
   * to them.
   */
  public String disagreement(ReplayInfo replay) {
    List<String> problems = new ArrayList<>();
    if (replay.nStep() > 0 && replay.nStep() != nStep) {
      problems.add(
          String.format(
              "the replay hands out %d-step returns (dqn.replay.n-step), this learner expects %d-step"
                  + " (dqn.learner.algorithm.n-step)",
              replay.nStep(), nStep));
    }
    if (replay.gamma() > 0 && Math.abs(replay.gamma() - gamma) > 1e-6) {
      problems.add(
          String.format(
              "the replay discounts with gamma %s (dqn.replay.gamma), this learner with %s"
                  + " (dqn.learner.algorithm.gamma)",
              replay.gamma(), gamma));
    }
    if (replay.minSizeToSample() != learningStartsSteps) {
      problems.add(
          String.format(
              "the replay serves samples from %d transitions on (dqn.replay.rate-limiter.min-size-to-sample),"
                  + " this learner's learning starts at %d (dqn.learner.algorithm.learning-starts-steps)",
              replay.minSizeToSample(), learningStartsSteps));
    }
    if (Math.abs(replay.samplesPerInsert() - samplesPerInsert()) > 1e-9 * samplesPerInsert()) {
      problems.add(
          String.format(
              "the replay's rate limiter allows %s sampled transitions per insert"
                  + " (dqn.replay.rate-limiter.samples-per-insert%s), this learner trains %s ="
                  + " %d / %d (dqn.learner.algorithm.batch-size / dqn.learner.algorithm.update-period-steps)",
              number(replay.samplesPerInsert()),
              replay.samplesPerInsert() == 0 ? "; 0 turns the limiter off and leaves the learner unpaced" : "",
              number(samplesPerInsert()),
              batchSize,
              updatePeriodSteps));
    }
    String shape = shapeDisagreement(replay.observationShape());
    if (shape != null) {
      problems.add(shape);
    }
    if (problems.isEmpty()) {
      return null;
    }
    return "the replay and this learner disagree, so no update is made: " + String.join("; ", problems)
        + ". Derive both services' settings from one run specification (dqn.run-spec / DQN_RUN_SPEC),"
        + " or change one side";
  }

  private String shapeDisagreement(long[] replayShape) {
    if (replayShape.length == 0) {
      return null;
    }
    long replayValues = Arrays.stream(replayShape).reduce(1, Math::multiplyExact);
    long networkValues = Arrays.stream(networkInputShape).asLongStream().reduce(1, Math::multiplyExact);
    if (flatInput) {
      return replayValues == networkValues
          ? null
          : String.format(
              "the replay's states are %s = %d values (dqn.replay.frame-stack, frame-height, frame-width),"
                  + " this learner's mlp takes %d (dqn.learner.network.mlp-input-size)",
              Arrays.toString(replayShape), replayValues, networkValues);
    }
    long[] network = Arrays.stream(networkInputShape).asLongStream().toArray();
    return Arrays.equals(replayShape, network)
        ? null
        : String.format(
            "the replay's states are %s (dqn.replay.frame-stack, frame-height, frame-width), this learner's"
                + " network takes %s (dqn.learner.network.frame-stack, frame-height, frame-width)",
            Arrays.toString(replayShape), Arrays.toString(network));
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
  }
}
