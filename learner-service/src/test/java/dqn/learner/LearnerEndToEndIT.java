package dqn.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dqn.learner.testing.ReplayInserts;
import dqn.learner.testing.Services;
import dqn.launcher.ServiceProcess;
import dqn.testkit.RawMethods;
import dqn.v1.ActionInfo;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.Game;
import dqn.v1.GetModelMetadataRequest;
import dqn.v1.GetStatusRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.LearnerState;
import dqn.v1.LearnerStatus;
import dqn.v1.ListGamesRequest;
import dqn.v1.ListSnapshotsRequest;
import dqn.v1.ModelMetadata;
import dqn.v1.PauseRequest;
import dqn.v1.SnapshotInfo;
import dqn.v1.SnapshotNowRequest;
import dqn.v1.StartRequest;
import dqn.v1.WatchSnapshotsRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner-service as deployed: its jar, the real env-service (the game's action set), the real
 * replay-service (in-memory store, its rate limiter pacing the learner) and the real
 * inference-service, each in its own process, talking over loopback sockets. Actors are played by
 * this test, which inserts random frames into the replay.
 */
class LearnerEndToEndIT {

  private static final Duration START = Services.START;
  private static final int LEARNING_STARTS = 100;

  @TempDir Path dir;

  private ServiceProcess startReplay() throws Exception {
    return Services.replay(LEARNING_STARTS, 10_000).property("dqn.replay.n-step", "3").start().awaitServing(START);
  }

  private ServiceProcess.Builder learner(int envPort, int replayPort, int inferencePort) {
    return ServiceProcess.builder(ServiceProcess.moduleJar())
        .property("dqn.learner.env-target", "127.0.0.1:" + envPort)
        .property("dqn.learner.replay-target", "127.0.0.1:" + replayPort)
        .property("dqn.learner.inference-target", "127.0.0.1:" + inferencePort)
        .property("dqn.learner.network.architecture", "nips")
        .property("dqn.learner.network.game", "pong")
        .property("dqn.learner.snapshots.model-name", "pong-it")
        .property("dqn.learner.algorithm.n-step", "3")
        .property("dqn.learner.algorithm.sampling", "prioritized")
        .property("dqn.learner.algorithm.batch-size", "32")
        .property("dqn.learner.algorithm.learning-starts-steps", String.valueOf(LEARNING_STARTS))
        .property("dqn.learner.algorithm.update-period-steps", "4")
        .property("dqn.learner.algorithm.target-sync-period-updates", "10")
        .property("dqn.learner.snapshots.period-updates", "0")
        .property("dqn.learner.checkpoints.period-updates", "5")
        .property("dqn.learner.data.backoff-max-ms", "500")
        .property("dqn.learner.snapshots.dir", dir.resolve("snapshots").toString())
        .property("dqn.learner.checkpoints.dir", dir.resolve("checkpoints").toString());
  }

  private static LearnerStatus awaitStatus(
      LearnerServiceGrpc.LearnerServiceBlockingStub learner, Predicate<LearnerStatus> condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    LearnerStatus status = learner.getStatus(GetStatusRequest.getDefaultInstance());
    while (!condition.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last status: " + status);
      }
      Thread.sleep(100);
      status = learner.getStatus(GetStatusRequest.getDefaultInstance());
    }
    return status;
  }

  private static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @Test
  void trainsPublishesWaitsResumesAndRefusesACorruptCheckpoint() throws Exception {
    Path models = dir.resolve("models");
    try (ServiceProcess env = Services.env();
        ServiceProcess replay = startReplay();
        ServiceProcess inference =
            ServiceProcess.builder(Services.jar("inference-service"))
                .property("dqn.inference.registry.model-dir", models.toString())
                .start()
                .awaitServing(START)) {
      ManagedChannel envChannel = channel(env.port());
      ManagedChannel replayChannel = channel(replay.port());
      ManagedChannel inferenceChannel = channel(inference.port());
      // 980 transitions: 220 updates' worth at one per 4 past the learning start, and the slack.
      ReplayInserts.episodes(replayChannel, "actor-it", 20, 50);

      long stepAtShutdown;
      try (ServiceProcess learner = learner(env.port(), replay.port(), inference.port()).start().awaitServing(START)) {
        ManagedChannel channel = channel(learner.port());
        var stub = LearnerServiceGrpc.newBlockingStub(channel);
        LearnerStatus training =
            awaitStatus(stub, s -> s.getUpdateStep() >= 3 && s.getState() == LearnerState.LEARNER_STATE_TRAINING, "training");
        assertEquals("cpu", training.getDevice());
        String metrics = dqn.testkit.PrometheusText.scrape(learner.port());
        assertTrue(metrics.contains("dqn_learner_updates_total") && metrics.contains("dqn_learner_data_wait_ratio"), metrics);
        assertTrue(training.getEnvFrames() >= 400 * 4, training.toString());

        LinkedBlockingQueue<SnapshotInfo> announced = new LinkedBlockingQueue<>();
        LearnerServiceGrpc.newStub(channel)
            .watchSnapshots(
                WatchSnapshotsRequest.getDefaultInstance(),
                new StreamObserver<>() {
                  @Override
                  public void onNext(SnapshotInfo value) {
                    announced.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
        Thread.sleep(200); // the watch call reaches the server before the snapshot below

        SnapshotInfo snapshot = stub.snapshotNow(SnapshotNowRequest.getDefaultInstance());
        assertTrue(snapshot.getPublished(), snapshot.toString());
        assertEquals("pong-it", snapshot.getModel());
        assertTrue(snapshot.getVersion() >= 1);
        assertTrue(snapshot.getMaxAbsDiff() <= 1e-4f, snapshot.toString());
        assertTrue(Files.exists(Path.of(snapshot.getPath())));
        assertEquals(snapshot, announced.poll(10, TimeUnit.SECONDS));

        ModelMetadata served =
            InferenceServiceGrpc.newBlockingStub(inferenceChannel)
                .getModelMetadata(GetModelMetadataRequest.newBuilder().setModel("pong-it").build());
        assertEquals(snapshot.getVersion(), served.getVersion());
        // The network's actions are pong's minimal set as the env-service lists it.
        Game pong =
            EnvServiceGrpc.newBlockingStub(envChannel).listGames(ListGamesRequest.getDefaultInstance()).getGamesList().stream()
                .filter(g -> g.getName().equals("pong"))
                .findFirst()
                .orElseThrow();
        assertEquals(pong.getMinimalActionsCount(), served.getNumActions());
        assertEquals(
            pong.getMinimalActionsList().stream().map(ActionInfo::getMeaning).toList(), served.getActionMeaningsList());
        assertEquals(snapshot.getSha256(), served.getPropertiesMap().get("sha256"));

        assertEquals(1, stub.listSnapshots(ListSnapshotsRequest.newBuilder().setLimit(1).build()).getSnapshotsCount());
        StatusRuntimeException badLimit =
            assertThrows(StatusRuntimeException.class, () -> stub.listSnapshots(ListSnapshotsRequest.newBuilder().setLimit(-1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badLimit.getStatus().getCode());
        StatusRuntimeException unparsable =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    ClientCalls.blockingUnaryCall(
                        channel,
                        RawMethods.unary(LearnerServiceGrpc.getListSnapshotsMethod().getFullMethodName()),
                        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
        assertEquals(Status.Code.INVALID_ARGUMENT, unparsable.getStatus().getCode(), unparsable.getStatus().toString());
        assertEquals(snapshot, stub.getStatus(GetStatusRequest.getDefaultInstance()).getLastSnapshot());

        assertEquals(LearnerState.LEARNER_STATE_PAUSED, stub.pause(PauseRequest.getDefaultInstance()).getState());
        long paused = stub.getStatus(GetStatusRequest.getDefaultInstance()).getUpdateStep();
        Thread.sleep(500);
        assertEquals(paused, stub.getStatus(GetStatusRequest.getDefaultInstance()).getUpdateStep());
        assertNotEquals(LearnerState.LEARNER_STATE_PAUSED, stub.start(StartRequest.getDefaultInstance()).getState());

        // The replay goes away: the learner waits and says why (naming it: before, the rate limiter
        // may have held it back once the inserted transitions were used up).
        replay.kill();
        LearnerStatus waiting =
            awaitStatus(
                stub,
                s -> s.getState() == LearnerState.LEARNER_STATE_WAITING && s.getReason().contains("127.0.0.1:" + replay.port()),
                "WAITING");
        assertTrue(waiting.getReason().contains("replay-service"), waiting.getReason());
        stepAtShutdown = waiting.getUpdateStep();
        channel.shutdownNow();
      }

      // SIGTERM wrote a final checkpoint; a new process resumes from it.
      try (ServiceProcess learner = learner(env.port(), replay.port(), inference.port()).start().awaitServing(START)) {
        ManagedChannel channel = channel(learner.port());
        LearnerStatus resumed = LearnerServiceGrpc.newBlockingStub(channel).getStatus(GetStatusRequest.getDefaultInstance());
        assertEquals(stepAtShutdown, resumed.getUpdateStep(), resumed.toString());
        assertTrue(learner.output().contains("resumed from the checkpoint at update " + stepAtShutdown), learner.output());
        channel.shutdownNow();
      }

      // A damaged newest checkpoint stops the start, with the way out in the message.
      Path newest;
      try (Stream<Path> files = Files.list(dir.resolve("checkpoints"))) {
        newest = files.filter(f -> f.toString().endsWith(".dqnckpt")).sorted().reduce((a, b) -> b).orElseThrow();
      }
      try (FileChannel file = FileChannel.open(newest, StandardOpenOption.WRITE)) {
        file.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 100);
      }
      ServiceProcess refused = learner(env.port(), replay.port(), inference.port()).start();
      try {
        assertNotEquals(0, refused.awaitExit(START));
        String output = refused.output();
        assertTrue(output.contains("corrupt") && output.contains(newest.getFileName().toString()), output);
        assertTrue(output.contains("DQN_LEARNER_START_FRESH=true"), output);
      } finally {
        refused.close();
      }
      try (ServiceProcess fresh =
          learner(env.port(), replay.port(), inference.port()).property("dqn.learner.start-fresh", "true").start().awaitServing(START)) {
        ManagedChannel channel = channel(fresh.port());
        assertEquals(0, LearnerServiceGrpc.newBlockingStub(channel).getStatus(GetStatusRequest.getDefaultInstance()).getUpdateStep());
        channel.shutdownNow();
      }
      envChannel.shutdownNow();
      replayChannel.shutdownNow();
      inferenceChannel.shutdownNow();
    }
  }

}
