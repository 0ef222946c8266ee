package dqn.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.learner.testing.ReplayInserts;
import dqn.learner.testing.Services;
import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.LearnerState;
import dqn.v1.LearnerStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's samples-per-insert rate limiter is the learner's one pacer, counted on every insert
 * as it arrives. The two failures of the learner's former own gates (which counted inserts from its
 * first look at polled replay totals) are gone: a burst inserted before the learner looked earned 1
 * update, and a learner beside an emptied replay waited for as many new inserts as it had counted
 * before. The real replay-service and env-service jars; a small mlp so updates are quick.
 */
class LearnerPacingIT {

  private static final long LEARNING_STARTS = 200;
  private static final int BATCH = 32;
  /** Lets the learner run this many sampled transitions ahead, and the actors as far the other way. */
  private static final int ERROR_BUFFER = 4_000;
  /** Episodes of 41 steps: 40 transitions each. */
  private static final int STEPS_PER_EPISODE = 41;

  @TempDir Path dir;

  /**
   * Batches the limiter lets through once {@code inserted} transitions have arrived and nothing else
   * was sampled: while {@code spi · inserted − sampled − B ≥ spi · minSize − errorBuffer}.
   */
  private static long earnedUpdates(long inserted) {
    return (Services.SAMPLES_PER_INSERT * (inserted - LEARNING_STARTS) + ERROR_BUFFER) / BATCH;
  }

  private static ServiceProcess replay(int port) throws Exception {
    return Services.replay(LEARNING_STARTS, ERROR_BUFFER).port(port).start().awaitServing(Services.START);
  }

  private ServiceProcess.Builder learner(int envPort, int replayPort) {
    return ServiceProcess.builder(ServiceProcess.moduleJar())
        .property("dqn.learner.env-target", "127.0.0.1:" + envPort)
        .property("dqn.learner.replay-target", "127.0.0.1:" + replayPort)
        .property("dqn.learner.inference-target", "127.0.0.1:" + FreePorts.pick())
        .property("dqn.learner.network.game", "pong")
        .property("dqn.learner.network.architecture", "mlp")
        .property("dqn.learner.network.mlp-input-size", String.valueOf(4 * 84 * 84))
        .property("dqn.learner.network.mlp-hidden", "16")
        .property("dqn.learner.network.dueling", "false")
        .property("dqn.learner.algorithm.batch-size", String.valueOf(BATCH))
        .property("dqn.learner.algorithm.update-period-steps", "4")
        .property("dqn.learner.algorithm.learning-starts-steps", String.valueOf(LEARNING_STARTS))
        .property("dqn.learner.snapshots.period-updates", "0")
        .property("dqn.learner.snapshots.upload", "false")
        .property("dqn.learner.checkpoints.period-updates", "0")
        .property("dqn.learner.data.backoff-max-ms", "500")
        .property("dqn.learner.snapshots.dir", dir.resolve("snapshots").toString())
        .property("dqn.learner.checkpoints.dir", dir.resolve("checkpoints").toString());
  }

  private static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static LearnerStatus awaitStatus(ManagedChannel learner, Predicate<LearnerStatus> condition, String what)
      throws InterruptedException {
    var stub = LearnerServiceGrpc.newBlockingStub(learner);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    LearnerStatus status = stub.getStatus(GetStatusRequest.getDefaultInstance());
    while (!condition.test(status)) {
      if (status.getState() == LearnerState.LEARNER_STATE_FAILED || System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + "; last status: " + status);
      }
      Thread.sleep(50);
      status = stub.getStatus(GetStatusRequest.getDefaultInstance());
    }
    return status;
  }

  private static boolean waitingFor(LearnerStatus s, String reason) {
    return s.getState() == LearnerState.LEARNER_STATE_WAITING && s.getReason().contains(reason);
  }

  /**
   * A learner at some update beside an empty replay: it waits, saying the replay's reason, until the
   * replay holds the learning start, and then updates at once, as far as the limiter's slack allows.
   */
  private static void updatesAgainOnceTheReplayHoldsTheLearningStart(ManagedChannel learner, int replayPort)
      throws Exception {
    long before = LearnerServiceGrpc.newBlockingStub(learner).getStatus(GetStatusRequest.getDefaultInstance()).getUpdateStep();
    ManagedChannel replay = channel(replayPort);
    try {
      long inserted = ReplayInserts.episodes(replay, "refill-1", 4, STEPS_PER_EPISODE);
      assertEquals(LEARNING_STARTS - 40, inserted);
      LearnerStatus below =
          awaitStatus(learner, s -> waitingFor(s, "holds " + inserted + " transitions"), "wait below the minimum size");
      assertTrue(below.getReason().contains("min_size_to_sample"), below.getReason());
      assertEquals(before, below.getUpdateStep());

      ReplayInserts.episodes(replay, "refill-2", 1, STEPS_PER_EPISODE);
      long earned = earnedUpdates(LEARNING_STARTS);
      LearnerStatus held =
          awaitStatus(
              learner,
              s -> s.getUpdateStep() >= before + earned && waitingFor(s, "rate limiter"),
              "updates once the replay holds the learning start");
      assertEquals(before + earned, held.getUpdateStep(), held.toString());
    } finally {
      replay.shutdownNow();
    }
  }

  @Test
  void aBurstEarnsItsUpdatesAndAnEmptiedReplayResumesAtTheLearningStart() throws Exception {
    int replayPort = FreePorts.pick();
    try (ServiceProcess env = Services.env();
        ServiceProcess firstReplay = replay(replayPort)) {
      ManagedChannel replayChannel = channel(replayPort);
      // A burst before the learner's first look: 480 transitions past the learning start.
      long burst = ReplayInserts.episodes(replayChannel, "burst", 17, STEPS_PER_EPISODE);
      assertEquals(680, burst);

      long stepAtShutdown;
      try (ServiceProcess learner = learner(env.port(), replayPort).start().awaitServing(Services.START)) {
        ManagedChannel channel = channel(learner.port());
        long earned = earnedUpdates(burst);
        LearnerStatus held =
            awaitStatus(channel, s -> s.getUpdateStep() >= earned && waitingFor(s, "rate limiter"), "the burst's updates");
        assertEquals(earned, held.getUpdateStep(), "480 / 4 for the burst and the limiter's slack; " + held);

        // Each insert as it arrives earns its share: 40 transitions, 10 updates.
        long more = ReplayInserts.episodes(replayChannel, "more", 1, STEPS_PER_EPISODE);
        long earnedNow = earnedUpdates(burst + more);
        assertEquals(earned + 10, earnedNow);
        held = awaitStatus(channel, s -> s.getUpdateStep() >= earnedNow && waitingFor(s, "rate limiter"), "10 more");
        assertEquals(earnedNow, held.getUpdateStep(), held.toString());
        replayChannel.shutdownNow();

        // The replay comes back empty (an in-memory replay restarted): the same learner trains again
        // as soon as the new replay holds the learning start.
        firstReplay.kill();
        try (ServiceProcess emptied = replay(replayPort)) {
          updatesAgainOnceTheReplayHoldsTheLearningStart(channel, replayPort);
        }
        stepAtShutdown =
            LearnerServiceGrpc.newBlockingStub(channel).getStatus(GetStatusRequest.getDefaultInstance()).getUpdateStep();
        channel.shutdownNow();
      }

      // A learner resumed at that update from its shutdown checkpoint, beside an empty replay.
      try (ServiceProcess emptied = replay(replayPort);
          ServiceProcess resumed = learner(env.port(), replayPort).start().awaitServing(Services.START)) {
        assertTrue(resumed.output().contains("resumed from the checkpoint at update " + stepAtShutdown), resumed.output());
        ManagedChannel channel = channel(resumed.port());
        updatesAgainOnceTheReplayHoldsTheLearningStart(channel, replayPort);
        channel.shutdownNow();
      }
    }
  }
}
