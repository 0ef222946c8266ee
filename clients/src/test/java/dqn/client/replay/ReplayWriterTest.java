package dqn.client.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.TimeStep;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer against a replay over a real socket that stores, fails, forgets and holds back. */
class ReplayWriterTest {

  private static final Duration FAST = Duration.ofMillis(20);

  /** Stores steps per stream by sequence, as the replay-service does (resent steps once). */
  static final class FakeReplay extends ReplayServiceGrpc.ReplayServiceImplBase {
    final Map<String, List<TimeStep>> stored = new ConcurrentHashMap<>();
    volatile int failAfterRequests = -1;
    volatile boolean forgetful;
    /** Acknowledgements allowed; none withheld when null. */
    volatile Semaphore acks;
    int requests;

    @Override
    public StreamObserver<InsertRequest> insert(StreamObserver<InsertAck> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(InsertRequest request) {
          synchronized (FakeReplay.this) {
            if (failAfterRequests >= 0 && requests++ >= failAfterRequests) {
              failAfterRequests = -1;
              out.onError(Status.UNAVAILABLE.withDescription("replay going away").asRuntimeException());
              return;
            }
            List<TimeStep> stream = stored.computeIfAbsent(request.getStreamId(), k -> new ArrayList<>());
            for (TimeStep step : request.getStepsList()) {
              if (step.getSequence() < stream.size()) {
                continue;
              }
              if (step.getSequence() != stream.size() || stream.isEmpty() && !step.getEpisodeStart()) {
                out.onError(
                    Status.FAILED_PRECONDITION.withDescription("stream " + request.getStreamId() + " is new").asRuntimeException());
                return;
              }
              stream.add(step);
            }
          }
          Semaphore allowed = acks;
          if (allowed != null) {
            allowed.acquireUninterruptibly();
          }
          out.onNext(
              InsertAck.newBuilder()
                  .setStreamId(request.getStreamId())
                  .setAckedSequence(stored.get(request.getStreamId()).size() - 1)
                  .build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }

    synchronized void forgetEverything() {
      stored.clear();
    }
  }

  private FakeReplay replay;
  private Server server;

  @BeforeEach
  void start() throws Exception {
    replay = new FakeReplay();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(replay).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    Semaphore acks = replay.acks;
    if (acks != null) {
      acks.release(1_000_000);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private ReplayWriter writer(int stepsPerRequest, int maxUnacked) {
    return ReplayWriter.connect(
        "127.0.0.1:" + server.getPort(), new ReplayWriter.Settings(stepsPerRequest, maxUnacked, FAST, FAST));
  }

  /** Episodes of {@code length} steps after their start step, frames numbered by step. */
  private static void play(ReplayWriter w, String stream, int episodes, int length) throws Exception {
    for (int e = 0; e < episodes; e++) {
      w.append(stream, true, 0, 0f, false, false, new byte[] {(byte) e, 0});
      for (int t = 1; t <= length; t++) {
        w.append(stream, false, t % 3, 1f, t == length, false, new byte[] {(byte) e, (byte) t});
      }
    }
  }

  @Test
  void everyStepIsStoredOnceInOrderAndFlushWaitsForTheAcks() throws Exception {
    try (ReplayWriter w = writer(4, 64)) {
      play(w, "actor-0", 3, 5);
      play(w, "actor-1", 2, 7);
      w.flush(Duration.ofSeconds(10));
      assertEquals(18 + 16, w.ackedSteps());
    }
    assertEquals(18, replay.stored.get("actor-0").size());
    assertEquals(16, replay.stored.get("actor-1").size());
    for (int i = 0; i < 18; i++) {
      assertEquals(i, replay.stored.get("actor-0").get(i).getSequence());
    }
  }

  @Test
  void stepsNotAcknowledgedWhenTheCallFailsAreResentAndStoredOnce() throws Exception {
    replay.failAfterRequests = 3;
    try (ReplayWriter w = writer(2, 64)) {
      play(w, "actor-0", 4, 6);
      w.flush(Duration.ofSeconds(10));
      assertEquals(28, w.ackedSteps());
      assertEquals(0, w.droppedSteps());
      assertEquals("", w.problem());
    }
    List<TimeStep> stored = replay.stored.get("actor-0");
    assertEquals(28, stored.size());
    for (int i = 0; i < stored.size(); i++) {
      assertEquals(i, stored.get(i).getSequence());
    }
  }

  @Test
  void aReplayThatLostTheStreamsGetsThemAgainFromTheNextEpisodeStart() throws Exception {
    try (ReplayWriter w = writer(3, 64)) {
      play(w, "actor-0", 1, 5);
      w.flush(Duration.ofSeconds(10));
      replay.forgetEverything();
      // Mid-episode: the replay cannot place these steps (their stream's start is gone).
      w.append("actor-0", true, 0, 0f, false, false, new byte[] {9, 0});
      w.append("actor-0", false, 1, 0f, false, false, new byte[] {9, 1});
      w.flush(Duration.ofSeconds(10));
      // The fake replay refuses the first request of the forgotten stream (sequence 6, not 0).
      assertEquals(0, w.droppedSteps());
      assertTrue(replay.stored.containsKey("actor-0~1"), replay.stored.keySet().toString());
      assertEquals(2, replay.stored.get("actor-0~1").size());
      assertEquals(0, replay.stored.get("actor-0~1").get(0).getSequence());
      assertTrue(replay.stored.get("actor-0~1").get(0).getEpisodeStart());
    }
  }

  @Test
  void stepsOfAnOpenEpisodeTheReplayCannotPlaceAreDroppedAndCounted() throws Exception {
    try (ReplayWriter w = writer(2, 64)) {
      w.append("actor-0", true, 0, 0f, false, false, new byte[] {1, 0});
      w.append("actor-0", false, 1, 0f, false, false, new byte[] {1, 1});
      w.flush(Duration.ofSeconds(10));
      replay.forgetEverything();
      w.append("actor-0", false, 1, 0f, false, false, new byte[] {1, 2});
      w.append("actor-0", false, 1, 0f, true, false, new byte[] {1, 3});
      w.append("actor-0", true, 0, 0f, false, false, new byte[] {2, 0});
      w.append("actor-0", false, 1, 0f, false, false, new byte[] {2, 1});
      w.flush(Duration.ofSeconds(10));
      assertEquals(2, w.droppedSteps());
      assertEquals(2, replay.stored.get("actor-0~1").size());
    }
  }

  @Test
  void manyStreamsWithPartlyFilledRequestsNeverHoldTheRoomForever() throws Exception {
    try (ReplayWriter w = writer(32, 40)) {
      for (int t = 0; t < 20; t++) {
        for (int stream = 0; stream < 8; stream++) {
          w.append("actor-" + stream, t == 0, 0, 0f, false, false, new byte[] {(byte) t});
        }
      }
      w.flush(Duration.ofSeconds(10));
      assertEquals(160, w.ackedSteps());
    }
  }

  @Test
  void appendWaitsWhileTheReplayHoldsAcknowledgementsBack() throws Exception {
    replay.acks = new Semaphore(0);
    try (ReplayWriter w = writer(2, 6)) {
      Thread actor =
          new Thread(
              () -> {
                try {
                  play(w, "actor-0", 2, 5);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      actor.start();
      actor.join(500);
      assertTrue(actor.isAlive(), "the actor must wait while 6 steps are unacknowledged");
      assertTrue(replay.stored.get("actor-0").size() <= 6);
      replay.acks.release(1_000);
      actor.join(10_000);
      assertTrue(!actor.isAlive());
      w.flush(Duration.ofSeconds(10));
      assertEquals(12, replay.stored.get("actor-0").size());
      assertTrue(w.waitNanos() >= TimeUnit.MILLISECONDS.toNanos(400), "waited " + w.waitNanos() + " ns");
    }
  }
}
