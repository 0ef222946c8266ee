package dqn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Keeps the processes {@code dqn train} started running: one that dies is restarted on its port
 * after a backoff that doubles (1 s, 2 s, 4 s, ... at most 30 s), each restart logged, at most
 * {@code maxRestarts} times per process; one more death and the run stops in order (actors,
 * snapshot, the learner's checkpoint). Restarts are only as good as what each service keeps: the
 * learner resumes from its checkpoint, the inference-service from its model directory, the replay
 * from Redis (an in-memory replay starts empty).
 */
final class Supervisor {

  static final String REDIS = "redis-server";
  private static final long BACKOFF_MAX_MS = 30_000;

  private final LocalServices services;
  private final RedisServer redis;
  private final int maxRestarts;
  private final PrintStream out;
  private final Map<String, Integer> restarts = new HashMap<>();

  /** @param redis the run's own redis-server, or null when there is none */
  Supervisor(LocalServices services, RedisServer redis, int maxRestarts, PrintStream out) {
    if (maxRestarts < 0) {
      throw new Args.UsageException("--max-restarts must be 0 or more, got " + maxRestarts);
    }
    this.services = services;
    this.redis = redis;
    this.maxRestarts = maxRestarts;
    this.out = out;
  }

  /** A process of the run that has exited on its own (a module name or {@link #REDIS}); null while all run. */
  String dead() {
    if (redis != null && !redis.isAlive()) {
      return REDIS;
    }
    return services.deadModule();
  }

  /**
   * Restarts {@code name} after its backoff and waits until it serves again.
   *
   * @return false when it has died more than {@code maxRestarts} times (or a stop was requested
   *     during the backoff): the run should stop
   */
  boolean restart(String name, BooleanSupplier stopRequested) throws InterruptedException, IOException {
    int count = restarts.merge(name, 1, Integer::sum);
    out.println("train: " + (name.equals(REDIS) ? redis.exitReport() : services.exitReport(name)));
    if (count > maxRestarts) {
      out.printf(
          "train: %s died %d times; %d restarts are allowed (--max-restarts): stopping the run%n",
          name, count, maxRestarts);
      return false;
    }
    long backoffMs = Math.min(BACKOFF_MAX_MS, 1000L << Math.min(count - 1, 15));
    out.printf("train: restarting %s in %d s (restart %d of at most %d)%n", name, backoffMs / 1000, count, maxRestarts);
    long until = System.nanoTime() + backoffMs * 1_000_000;
    while (System.nanoTime() < until) {
      if (stopRequested.getAsBoolean()) {
        return false;
      }
      Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
    try {
      if (name.equals(REDIS)) {
        redis.restart();
      } else {
        services.restart(name);
      }
    } catch (IllegalStateException e) {
      // It did not come up: the next look finds it dead again and counts another restart.
      out.println("train: " + name + " did not come back: " + e.getMessage());
      return true;
    }
    out.printf("train: %s is serving again%n", name);
    return true;
  }

  /** Restarts so far, per process. */
  Map<String, Integer> restarts() {
    return Map.copyOf(restarts);
  }
}
