package dqn.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.replay.GrpcReplayClient;
import dqn.client.replay.ReplayNotReadyException;
import dqn.client.replay.ReplayWriter;
import dqn.client.replay.SamplingMode;
import dqn.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Actors far faster than the learner: eight writers append steps as fast as the replay lets them
 * while one learner-like client samples batches of 32, at one batch per 4 inserted transitions.
 * The rate limiter must hold the writers back, the replay's resident memory must stay flat once
 * it is full (evicting), and every acknowledged step must be counted as stored.
 */
class ReplayLoadIT {

  private static final int FRAME = 84 * 84;
  private static final int WRITERS = 8;
  private static final int CAPACITY = 5_000;
  private static final long RUN_MILLIS = 45_000;

  @Test
  void theLimiterHoldsFastActorsBackAndMemoryStaysFlat() throws Exception {
    try (ServiceProcess service =
        ServiceProcess.builder(ServiceProcess.moduleJar())
            .maxHeap("384m")
            .property("dqn.replay.capacity", Integer.toString(CAPACITY))
            .property("dqn.replay.n-step", "1")
            .property("dqn.replay.rate-limiter.min-size-to-sample", "500")
            .property("dqn.replay.rate-limiter.samples-per-insert", "8")
            .property("dqn.replay.rate-limiter.error-buffer", "2000")
            .start()
            .awaitServing(Duration.ofSeconds(60))) {
      String target = "127.0.0.1:" + service.port();
      AtomicBoolean running = new AtomicBoolean(true);
      List<ReplayWriter> writers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        ReplayWriter writer = ReplayWriter.connect(target, new ReplayWriter.Settings(32, 512, Duration.ofMillis(100), Duration.ofSeconds(1)));
        writers.add(writer);
        String stream = "load-" + w;
        int seed = w;
        threads.add(
            new Thread(
                () -> {
                  try {
                    for (long step = 0; running.get(); step++) {
                      boolean start = step % 200 == 0;
                      writer.append(stream, start, (int) (step % 6), step % 17 == 0 ? 1 : 0, step % 200 == 199, false, frame(seed, step));
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
      }
      AtomicLong sampled = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      GrpcReplayClient learner = new GrpcReplayClient(target, 10_000);
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  try {
                    learner.sample(32, SamplingMode.UNIFORM, 1_000);
                    sampled.incrementAndGet();
                  } catch (ReplayNotReadyException notYet) {
                    // below the learning start, or the limiter waiting for inserts
                  }
                }
              });
      threads.forEach(Thread::start);
      sampler.start();

      List<Long> residentKb = new ArrayList<>();
      long end = System.currentTimeMillis() + RUN_MILLIS;
      while (System.currentTimeMillis() < end) {
        Thread.sleep(1_000);
        residentKb.add(residentKb(service.pid()));
      }
      // The writers stop (interrupted where the limiter holds them), then flush while the learner
      // still samples, so that the limiter lets their last steps in.
      running.set(false);
      for (Thread thread : threads) {
        thread.interrupt();
        thread.join(10_000);
      }
      long acknowledged = 0;
      long waitedNanos = 0;
      for (ReplayWriter writer : writers) {
        writer.flush(Duration.ofSeconds(30));
        acknowledged += writer.ackedSteps();
        waitedNanos += writer.waitNanos();
      }
      sampling.set(false);
      sampler.join(30_000);
      for (ReplayWriter writer : writers) {
        writer.close();
      }
      long inserted = learner.info().totalInserted();
      learner.close();

      // The second half: the replay has been full and evicting for a while.
      List<Long> late = residentKb.subList(residentKb.size() / 2, residentKb.size());
      long low = late.stream().mapToLong(Long::longValue).min().orElseThrow();
      long high = late.stream().mapToLong(Long::longValue).max().orElseThrow();
      double heldBack = waitedNanos / (WRITERS * RUN_MILLIS * 1e6);
      System.out.printf(
          "ReplayLoadIT: %,d steps acknowledged, %,d stored, %,d batches sampled; writers held back %.0f%% of"
              + " the time; resident %,d..%,d kB over the second half (per second: %s)%n",
          acknowledged, inserted, sampled.get(), 100 * heldBack, low, high, residentKb);
      assertEquals(acknowledged, inserted, "every acknowledged step is stored, none twice");
      assertTrue(inserted > CAPACITY * 3 / 2, "the replay filled and evicted: " + inserted);
      assertTrue(heldBack > 0.5, "the rate limiter holds the writers back: " + heldBack);
      double ratio = (double) sampled.get() * 32 / inserted;
      assertTrue(ratio > 8 * 0.8 && ratio < 8 * 1.2, "about 8 samples per insert: " + ratio);
      assertTrue(high <= low * 1.10, "resident size flat within 10%: " + low + ".." + high + " kB");
      assertTrue(service.isAlive());
    }
  }

  /** A compressible 84x84 frame: a bar that moves with the step over a flat background. */
  private static byte[] frame(int seed, long step) {
    byte[] frame = new byte[FRAME];
    java.util.Arrays.fill(frame, (byte) (40 + seed));
    int column = (int) (step % 80);
    for (int row = 10; row < 74; row++) {
      for (int c = column; c < column + 4; c++) {
        frame[row * 84 + c] = (byte) 200;
      }
    }
    frame[(int) (step * 7919 % FRAME)] = (byte) step;
    return frame;
  }

  private static long residentKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }
}
