package dqn.learner.dqn;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.replay.ReplayInfo;
import org.junit.jupiter.api.Test;

/** Each setting the replay must share with the learner, refused on its own with both keys named. */
class ReplayAgreementTest {

  /** The learner of the atari run specification: 3-step, learning starts at 20,000, 32 per 4. */
  private static final ReplayAgreement LEARNER =
      new ReplayAgreement(3, 0.99, 20_000, 32, 4, new int[] {4, 84, 84}, false);

  private static ReplayInfo replay(long minSize, double samplesPerInsert, int nStep, float gamma, long... shape) {
    return new ReplayInfo(0, 0, minSize, samplesPerInsert, nStep, gamma, shape);
  }

  private static final ReplayInfo AGREEING = replay(20_000, 8, 3, 0.99f, 4, 84, 84);

  private static void refused(ReplayAgreement learner, ReplayInfo replay, String learnerKey, String replayKey) {
    String reason = learner.disagreement(replay);
    assertTrue(reason != null && reason.contains(learnerKey) && reason.contains(replayKey), reason);
    assertTrue(reason.contains("DQN_RUN_SPEC"), reason);
  }

  @Test
  void aReplayDerivedFromTheSameSpecificationAgrees() {
    assertNull(LEARNER.disagreement(AGREEING));
  }

  @Test
  void nStep() {
    refused(LEARNER, replay(20_000, 8, 1, 0.99f, 4, 84, 84), "dqn.learner.algorithm.n-step", "dqn.replay.n-step");
  }

  @Test
  void gamma() {
    refused(LEARNER, replay(20_000, 8, 3, 0.9f, 4, 84, 84), "dqn.learner.algorithm.gamma", "dqn.replay.gamma");
  }

  @Test
  void minimumSizeIsTheLearningStart() {
    refused(
        LEARNER,
        replay(50_000, 8, 3, 0.99f, 4, 84, 84),
        "dqn.learner.algorithm.learning-starts-steps",
        "dqn.replay.rate-limiter.min-size-to-sample");
  }

  @Test
  void samplesPerInsertIsTheBatchPerUpdatePeriod() {
    refused(
        LEARNER,
        replay(20_000, 4, 3, 0.99f, 4, 84, 84),
        "dqn.learner.algorithm.batch-size / dqn.learner.algorithm.update-period-steps",
        "dqn.replay.rate-limiter.samples-per-insert");
    // A replay without a limiter would leave the learner unpaced.
    String off = LEARNER.disagreement(replay(20_000, 0, 3, 0.99f, 4, 84, 84));
    assertTrue(off.contains("0 turns the limiter off"), off);
  }

  @Test
  void stateShapeIsTheNetworksInput() {
    refused(
        LEARNER,
        replay(20_000, 8, 3, 0.99f, 2, 84, 84),
        "dqn.learner.network.frame-stack, frame-height, frame-width",
        "dqn.replay.frame-stack, frame-height, frame-width");
    ReplayAgreement mlp = new ReplayAgreement(3, 0.99, 20_000, 32, 4, new int[] {28_224}, true);
    assertNull(mlp.disagreement(AGREEING), "an mlp takes any layout of as many values");
    refused(mlp, replay(20_000, 8, 3, 0.99f, 4, 42, 42), "dqn.learner.network.mlp-input-size", "dqn.replay.frame-stack");
  }

  @Test
  void everyDisagreementIsNamedAtOnce() {
    String reason = LEARNER.disagreement(replay(64, 0, 1, 0.9f, 2, 84, 84));
    for (String key :
        new String[] {"dqn.replay.n-step", "dqn.replay.gamma", "min-size-to-sample", "samples-per-insert", "frame-stack"}) {
      assertTrue(reason.contains(key), () -> key + " missing from: " + reason);
    }
  }
}
