package dqn.replay.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.replay.buffer.ReplayException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

  private final AtomicLong size = new AtomicLong();

  private RateLimiter limiter(long minSize, double spi, double buffer) {
    return new RateLimiter(new RateLimiter.Settings(minSize, spi, buffer), 1_000_000, size::get);
  }

  private void insert(RateLimiter limiter, long n) {
    limiter.awaitInsert(() -> false);
    limiter.inserted(n);
    size.addAndGet(n);
  }

  /**
   * DQN's learning-starts and update-period gates, which this limiter is: with samples per insert
   * batch / period and one batch of slack, no update before {@code learningStarts} transitions,
   * one at the learning start, then one more for every {@code period} inserted transitions.
   */
  @ParameterizedTest(name = "learning starts {0}, update period {1}, {2} inserted: {3} updates")
  @CsvSource({
    "100, 4, 99, 0",
    "100, 4, 100, 1",
    "100, 4, 103, 1",
    "100, 4, 104, 2",
    "100, 4, 140, 11",
    "20000, 4, 20000, 1",
    "20000, 4, 20400, 101",
    "50, 1, 60, 11",
    "50, 8, 66, 3"
  })
  void learningStartsAndTheUpdatePeriodAsATable(long learningStarts, int period, long inserted, int updates) {
    int batch = 32;
    RateLimiter limiter = limiter(learningStarts, (double) batch / period, batch);
    insert(limiter, inserted);
    int made = 0;
    while (true) {
      try {
        limiter.awaitSample(batch, 0);
      } catch (ReplayException.FailedPrecondition belowLearningStart) {
        assertTrue(inserted < learningStarts, belowLearningStart.getMessage());
        break;
      } catch (ReplayException.RateLimited waitForInserts) {
        break;
      }
      limiter.sampled(batch);
      made++;
    }
    assertEquals(updates, made);
  }

  @Test
  void belowTheMinimumSizeSamplingFailsAtOnceWithTheNumbers() {
    RateLimiter limiter = limiter(100, 0, 1);
    insert(limiter, 40);
    var e =
        assertThrows(ReplayException.FailedPrecondition.class, () -> limiter.awaitSample(8, 5000));
    assertTrue(e.getMessage().contains("holds 40 transitions; sampling starts at 100"), e.getMessage());
    insert(limiter, 60);
    limiter.awaitSample(8, 0);
  }

  @Test
  void samplesAheadOfTheRatioWaitThenFailWithResourceExhausted() {
    // 2 samples per insert, 100 minimum, slack 16: as in Reverb, the first 100 inserts only fill
    // the replay; from then on the learner may sample 2 per further insert, give or take 16.
    RateLimiter limiter = limiter(100, 2, 16);
    insert(limiter, 100);
    limiter.awaitSample(16, 0);
    limiter.sampled(16);
    insert(limiter, 50);
    for (int i = 0; i < 6; i++) {
      limiter.awaitSample(16, 0);
      limiter.sampled(16);
    }
    // 112 sampled for 50 further inserts (100 due): 12 ahead; one more batch would be 28 > 16.
    long started = System.nanoTime();
    var e = assertThrows(ReplayException.RateLimited.class, () -> limiter.awaitSample(16, 50));
    assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(45));
    assertTrue(e.getMessage().contains("timeout_ms=50"), e.getMessage());
    insert(limiter, 8);
    limiter.awaitSample(16, 0);
  }

  @Test
  void insertsAheadOfTheLearnerWaitUntilSamplesCatchUp() throws Exception {
    RateLimiter limiter = limiter(10, 1, 4);
    insert(limiter, 15);
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> insert(limiter, 1));
    Thread.sleep(100);
    assertTrue(!blocked.isDone(), "the actor runs more than the buffer ahead of the learner");
    limiter.awaitSample(2, 0);
    limiter.sampled(2);
    blocked.get(5, TimeUnit.SECONDS);
  }

  @Test
  void cancelledInsertStopsWaiting() {
    RateLimiter limiter = limiter(10, 1, 4);
    insert(limiter, 15);
    assertThrows(ReplayException.Cancelled.class, () -> limiter.awaitInsert(() -> true));
  }

  @Test
  void settingsThatCouldDeadlockAreRejected() {
    RateLimiter limiter = limiter(10, 1, 4);
    var buffer =
        assertThrows(
            ReplayException.InvalidRequest.class,
            () -> limiter.update(new RateLimiter.Settings(10, 8, 2)));
    assertTrue(buffer.getMessage().contains("max(1, samples_per_insert)"), buffer.getMessage());
    assertThrows(
        ReplayException.InvalidRequest.class,
        () -> limiter.update(new RateLimiter.Settings(2_000_000, 1, 4)));
    assertThrows(
        ReplayException.InvalidRequest.class,
        () -> limiter.update(new RateLimiter.Settings(10, Double.NaN, 4)));
    insert(limiter, 12);
    var batch =
        assertThrows(ReplayException.FailedPrecondition.class, () -> limiter.awaitSample(9, 0));
    assertTrue(batch.getMessage().contains("raise error_buffer to at least 5"), batch.getMessage());
    assertEquals(4, limiter.update(new RateLimiter.Settings(10, 0, 0)).minSizeToSample() - 6);
  }

  @Test
  void resetCentresTheLimiterOnTheReplayedContent() {
    RateLimiter limiter = limiter(100, 4, 8);
    size.set(500);
    limiter.reset(500);
    // As if 500 were inserted and the learner had kept pace: a batch passes at once.
    limiter.awaitSample(8, 0);
  }
}
