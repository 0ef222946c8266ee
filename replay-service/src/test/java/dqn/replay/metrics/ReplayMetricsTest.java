package dqn.replay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.Replay;
import dqn.replay.buffer.ReplayException;
import dqn.replay.buffer.ReplaySettings;
import dqn.replay.buffer.ReplayStore;
import dqn.replay.buffer.SamplingMode;
import dqn.replay.memory.MemoryReplayStore;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.testing.Frames.StreamBuilder;
import dqn.testkit.PrometheusText;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replay's Prometheus names and values over a real in-memory replay and its rate limiter. */
class ReplayMetricsTest {

  private static final int H = 6;
  private static final int W = 7;

  private final MemoryReplayStore store = new MemoryReplayStore(new ReplayStore.Layout(H, W, 8));
  // One sample per inserted transition, from 4 on, give or take 4: the eleventh transition waits.
  private final Replay replay =
      new Replay(
          new ReplaySettings(
              64, H, W, 1, 1, 0.9, true, 8, 16, 32, SamplingMode.UNIFORM, 0.6, 1e-6, 0.4, 1000, 7),
          new RateLimiter.Settings(4, 1, 4),
          store,
          new Lz4FrameCodec());
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void close() {
    replay.close();
  }

  @Test
  void sizeCountsBytesAndTheRateLimitersHoldsAreExported() throws Exception {
    new ReplayMetrics(replay).bindTo(registry);
    StreamBuilder actor = new StreamBuilder(H * W, 1, 0);
    actor.start();
    for (int i = 0; i < 10; i++) {
      actor.step(1, 1f);
    }
    replay.insert("actor-0", actor.take(), () -> false);

    // Ten transitions stored, none sampled: the next insert is held until a sample makes room.
    CompletableFuture<Void> held =
        CompletableFuture.runAsync(() -> replay.insert("actor-0", actor.step(0, 0f).take(), () -> false));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (replay.rateLimiterHeld().inserts() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50);
    replay.sample(4, null, null, 1000);
    held.get(10, TimeUnit.SECONDS);
    replay.sample(4, null, null, 1000);
    // 11 inserted, 8 sampled: one more batch of 4 would run 1 ahead of the inserts, and is held.
    assertThrows(ReplayException.RateLimited.class, () -> replay.sample(4, null, null, 50));

    PrometheusText metrics = PrometheusText.parse(registry.scrape());
    assertEquals(11, metrics.value("dqn_replay_size_transitions"));
    assertEquals(64, metrics.value("dqn_replay_capacity_transitions"));
    assertEquals(12, metrics.value("dqn_replay_inserted_steps_total"), "the episode start is a step");
    assertEquals(8, metrics.value("dqn_replay_sampled_transitions_total"), "the held sample took nothing");
    assertEquals(store.bytesUsed(), metrics.value("dqn_replay_stored_bytes"));
    assertTrue(store.bytesUsed() > 0);
    assertEquals(1, metrics.value("dqn_replay_streams"));
    assertEquals(1, metrics.value("dqn_replay_rate_limiter_held_inserts_total"));
    assertEquals(1, metrics.value("dqn_replay_rate_limiter_held_samples_total"));
    double insertWait = metrics.value("dqn_replay_rate_limiter_insert_wait_seconds_total");
    double sampleWait = metrics.value("dqn_replay_rate_limiter_sample_wait_seconds_total");
    assertTrue(insertWait >= 0.04 && insertWait < 10, "insert held for " + insertWait + " s");
    assertTrue(sampleWait >= 0.045 && sampleWait < 10, "sample held for " + sampleWait + " s");
  }
}
