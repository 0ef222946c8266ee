package dqn.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.replay.testing.Frames;
import dqn.replay.testing.Frames.StreamBuilder;
import dqn.replay.testing.InsertStream;
import dqn.replay.testing.RedisServerProcess;
import dqn.testkit.GrpcProbe;
import dqn.launcher.ServiceProcess;
import dqn.v1.GetStatsRequest;
import dqn.v1.InsertAck;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service over a real redis-server with AOF: a kill -9 during inserts loses nothing
 * that was acknowledged and leaves nothing half-written to sample; a Redis outage answers
 * UNAVAILABLE and the service carries on once Redis is back.
 */
class ReplayDurabilityIT {

  private static final int FRAME = 84 * 84;
  private static final int BATCH = 16;

  private RedisServerProcess redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private ServiceProcess startService() throws Exception {
    return ServiceProcess.builder(ServiceProcess.moduleJar())
        .environment("DQN_REPLAY_REDIS_URI", redis.uri())
        .property("dqn.replay.capacity", "100000")
        .property("dqn.replay.n-step", "3")
        .property("dqn.replay.rate-limiter.min-size-to-sample", "1")
        .property("dqn.replay.rate-limiter.samples-per-insert", "0")
        .property("dqn.replay.redis.retry-attempts", "3")
        .start()
        .awaitServing(Duration.ofSeconds(60));
  }

  @Test
  void killDuringInsertsLosesNoAcknowledgedStepAndSamplesOnlyWholeChunks() throws Exception {
    Map<String, Long> acked = new ConcurrentHashMap<>();
    ServiceProcess first = startService();
    assertTrue(first.output().contains("replay store: redis at 127.0.0.1:" + redis.port()), first.output());
    ExecutorService actors = Executors.newFixedThreadPool(2);
    CountDownLatch warmedUp = new CountDownLatch(2);
    try (GrpcProbe probe = new GrpcProbe("127.0.0.1", first.port())) {
      List<Future<?>> running =
          List.of("actor-a", "actor-b").stream()
              .map(
                  name ->
                      actors.submit(
                          () -> streamUntilKilled(probe, name, name.endsWith("a") ? 1 : 2, acked, warmedUp)))
              .<Future<?>>map(f -> f)
              .toList();
      assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "inserts got going");
      first.kill();
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      actors.shutdownNow();
      first.close();
    }

    try (ServiceProcess second = startService();
        GrpcProbe probe = new GrpcProbe("127.0.0.1", second.port())) {
      var stub = ReplayServiceGrpc.newBlockingStub(probe.channel());
      assertTrue(
          second.output().contains("index rebuilt with"), second.output());
      for (var entry : acked.entrySet()) {
        long lastAcked = entry.getValue();
        int tag = entry.getKey().endsWith("a") ? 1 : 2;
        // Resending the last acknowledged step: the service already holds it (and maybe more).
        try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
          StreamBuilder again = new StreamBuilder(FRAME, tag, lastAcked);
          InsertAck ack = insert.insert(entry.getKey(), again.step(1, 1).take());
          assertTrue(
              ack.getAckedSequence() >= lastAcked,
              entry.getKey() + " acknowledged " + lastAcked + " before the kill, holds "
                  + ack.getAckedSequence() + " after");
          assertEquals(0, ack.getTransitionsAdded());
        }
      }
      long total = stub.getStats(GetStatsRequest.getDefaultInstance()).getTotalInserted();
      long ackedSteps = acked.values().stream().mapToLong(a -> a + 1).sum();
      assertTrue(total >= ackedSteps, total + " steps stored, " + ackedSteps + " acknowledged");
      // Every sampled state is made of the exact frames that were inserted.
      for (int round = 0; round < 10; round++) {
        SampleResponse batch = stub.sample(SampleRequest.newBuilder().setBatchSize(64).build());
        byte[] obs = batch.getObservations().getData().toByteArray();
        for (int i = 0; i < 64 * 4; i++) {
          int offset = i * FRAME;
          long seq = Frames.sequenceOf(obs, offset);
          byte[] expected = Frames.frame(FRAME, Frames.streamTagOf(obs, offset), seq);
          for (int p = 0; p < FRAME; p += 101) {
            assertEquals(expected[p], obs[offset + p], "frame byte " + p + " of step " + seq);
          }
        }
      }
    }
  }

  /** One actor: batches of steps in episodes of 50, until the service dies. */
  private static void streamUntilKilled(
      GrpcProbe probe, String name, int tag, Map<String, Long> acked, CountDownLatch warmedUp) {
    StreamBuilder steps = new StreamBuilder(FRAME, tag, 0);
    long seq = 0;
    try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
      while (true) {
        for (int i = 0; i < BATCH; i++, seq++) {
          if (seq % 50 == 0) {
            steps.start();
          } else if (seq % 50 == 49) {
            steps.terminate((int) (seq % 4), 1);
          } else {
            steps.step((int) (seq % 4), seq % 7 == 0 ? 1 : 0);
          }
        }
        // Two batches in flight: the kill may land between a commit and its ack.
        insert.send(name, steps.take());
        if (seq > BATCH) {
          acked.put(name, insert.nextAck().getAckedSequence());
        }
        if (seq == 20 * BATCH) {
          warmedUp.countDown();
        }
      }
    } catch (StatusRuntimeException | IllegalStateException killed) {
      // The service was killed: the stream ends here.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anUnreachableRedisStopsTheStartWithItsAddress() throws Exception {
    int closedPort = dqn.launcher.FreePorts.pick();
    ServiceProcess service =
        ServiceProcess.builder(ServiceProcess.moduleJar())
            .environment("DQN_REPLAY_REDIS_URI", "redis://127.0.0.1:" + closedPort)
            .start();
    try {
      assertTrue(service.awaitExit(Duration.ofSeconds(60)) != 0);
      assertTrue(
          service.output().contains("Redis at 127.0.0.1:" + closedPort + " is unreachable"),
          service.output());
    } finally {
      service.close();
    }
  }

  @Test
  void redisOutageIsUnavailableAndNothingAcknowledgedIsLostWhenItReturns() throws Exception {
    try (ServiceProcess service = startService();
        GrpcProbe probe = new GrpcProbe("127.0.0.1", service.port())) {
      var stub = ReplayServiceGrpc.newBlockingStub(probe.channel());
      StreamBuilder steps = new StreamBuilder(FRAME, 3, 0);
      try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
        assertEquals(9, insert.insert("outage", steps.start().step(1, 1).step(1, 1).step(1, 1).step(1, 1)
            .step(1, 1).step(1, 1).step(1, 1).step(1, 1).step(1, 1).take()).getAckedSequence());
      }
      redis.stop();
      var pending = steps.step(2, 0).step(2, 0).take();
      try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
        StatusRuntimeException down =
            org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class, () -> insert.insert("outage", pending));
        assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), down.getStatus().toString());
        assertTrue(down.getStatus().getDescription().contains("unreachable"), down.getStatus().toString());
      }
      StatusRuntimeException sampleDown =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () -> stub.sample(SampleRequest.newBuilder().setBatchSize(2).build()));
      assertEquals(Status.Code.UNAVAILABLE, sampleDown.getStatus().getCode());
      // Readiness follows the store, so Kubernetes stops sending calls that can only fail.
      awaitHealth(probe, HealthCheckResponse.ServingStatus.NOT_SERVING);

      redis.restart();
      awaitHealth(probe, HealthCheckResponse.ServingStatus.SERVING);
      InsertAck resumed = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (resumed == null && System.nanoTime() < deadline) {
        try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
          resumed = insert.insert("outage", pending);
        } catch (StatusRuntimeException stillDown) {
          assertEquals(Status.Code.UNAVAILABLE, stillDown.getStatus().getCode());
          Thread.sleep(200);
        }
      }
      assertTrue(resumed != null, "inserts resume once Redis is back");
      assertEquals(11, resumed.getAckedSequence());
      var stats = stub.getStats(GetStatsRequest.getDefaultInstance());
      assertEquals(12, stats.getTotalInserted(), "the 10 acknowledged steps and the resent 2, once");
      assertEquals(9, stats.getSize(), "3-step transitions of steps 0..8 (the episode goes on)");
    }
  }

  private static void awaitHealth(GrpcProbe probe, HealthCheckResponse.ServingStatus wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    HealthCheckResponse.ServingStatus seen = probe.health();
    while (seen != wanted && System.nanoTime() < deadline) {
      Thread.sleep(100);
      seen = probe.health();
    }
    assertEquals(wanted, seen, "the replay's gRPC health");
  }
}
