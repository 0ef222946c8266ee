package dqn.learner.replay;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.replay.GrpcReplayClient;
import dqn.client.replay.ReplayClient;
import dqn.client.replay.ReplayInfo;
import dqn.client.replay.ReplayNotReadyException;
import dqn.client.replay.ReplayUnavailableException;
import dqn.client.replay.SampledBatch;
import dqn.client.replay.SamplingMode;
import dqn.learner.testing.TinyMdp;
import dqn.launcher.FreePorts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchingSamplerTest {

  private static PrefetchingSampler.Settings settings(Duration backoffInitial) {
    return new PrefetchingSampler.Settings(
        32, SamplingMode.UNIFORM, 1, 1000, backoffInitial, backoffInitial.multipliedBy(10), Duration.ofMillis(100));
  }

  @Test
  void unreachableReplayIsReportedAsTheReasonToWait() throws Exception {
    String target = "127.0.0.1:" + FreePorts.pick();
    try (GrpcReplayClient client = new GrpcReplayClient(target, 2_000);
        PrefetchingSampler sampler = new PrefetchingSampler(client, settings(Duration.ofMillis(20)))) {
      sampler.start();
      PrefetchingSampler.Next next = sampler.next(Duration.ofMillis(300));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!next.waitReason().contains("UNAVAILABLE") && System.nanoTime() < deadline) {
        next = sampler.next(Duration.ofMillis(100));
      }
      assertNull(next.batch());
      assertNotNull(next.waitReason());
      assertTrue(next.waitReason().contains(target) && next.waitReason().contains("UNAVAILABLE"), next.waitReason());
      assertTrue(sampler.waitNanos() > 0);
    }
  }

  /**
   * Below the learning start the fetcher pauses between asks; a replay that becomes unreachable
   * meanwhile is reported at once (by the statistics poller), and the reason clears when it is back.
   */
  @Test
  void aReplayThatBecomesUnreachableWhileTheLearnerWaitsForInsertsIsReported() throws Exception {
    AtomicBoolean down = new AtomicBoolean();
    TinyMdp mdp = new TinyMdp(0.9f, 1);
    ReplayClient belowStart =
        new ReplayClient() {
          @Override
          public SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs) {
            if (down.get()) {
              throw new ReplayUnavailableException("replay-service at test failed Sample (UNAVAILABLE): gone", null);
            }
            throw new ReplayNotReadyException(ReplayNotReadyException.Reason.BELOW_MIN_SIZE, "replay holds samples back: 5 of 1000");
          }

          @Override
          public void updatePriorities(long[] ids, float[] priorities) {}

          @Override
          public ReplayInfo info() {
            if (down.get()) {
              throw new ReplayUnavailableException("replay-service at test failed GetStats (UNAVAILABLE): gone", null);
            }
            return mdp.info();
          }

          @Override
          public void close() {}
        };
    // A pause between asks far longer than the test: only the poller can notice.
    try (PrefetchingSampler sampler = new PrefetchingSampler(belowStart, settings(Duration.ofMinutes(5)))) {
      sampler.start();
      assertTrue(await(() -> String.valueOf(sampler.problem()).contains("5 of 1000")), sampler.problem());
      down.set(true);
      assertTrue(await(() -> String.valueOf(sampler.problem()).contains("UNAVAILABLE")), sampler.problem());
      assertTrue(sampler.next(Duration.ofMillis(10)).waitReason().contains("UNAVAILABLE"));
      down.set(false);
      assertTrue(await(() -> String.valueOf(sampler.problem()).contains("5 of 1000")), sampler.problem());
    }
  }

  private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * A sample the rate limiter held back is asked for again at once (the next call waits in the
   * limiter, which wakes on every insert); one below the minimum size after a pause.
   */
  @Test
  void rateLimitedSamplesAreAskedForAgainAtOnce() throws Exception {
    Duration pause = Duration.ofSeconds(30);
    AtomicInteger calls = new AtomicInteger();
    TinyMdp mdp = new TinyMdp(0.9f, 1);
    ReplayClient heldThrice =
        new ReplayClient() {
          @Override
          public SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs) {
            if (calls.incrementAndGet() <= 3) {
              throw new ReplayNotReadyException(ReplayNotReadyException.Reason.RATE_LIMITED, "held " + calls.get());
            }
            return mdp.sample(batchSize, mode, timeoutMs);
          }

          @Override
          public void updatePriorities(long[] ids, float[] priorities) {}

          @Override
          public ReplayInfo info() {
            return mdp.info();
          }

          @Override
          public void close() {}
        };
    try (PrefetchingSampler sampler = new PrefetchingSampler(heldThrice, settings(pause))) {
      sampler.start();
      PrefetchingSampler.Next next = sampler.next(Duration.ofSeconds(5));
      assertNotNull(next.batch(), "the batch came without the " + pause + " pause");
      assertTrue(calls.get() >= 4, "three held calls, then the batch");
    }
  }
}
