package dqn.learner.testing;

import dqn.launcher.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The other services as the learner's ITs start them: their packaged jars, in processes of their own. */
public final class Services {

  public static final Duration START = Duration.ofSeconds(90);

  private Services() {}

  /** The packaged jar of a sibling module of this one. */
  public static Path jar(String module) {
    Path jar =
        ServiceProcess.moduleJar().toAbsolutePath().getParent().getParent().getParent().getParent()
            .resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package " + module + " first (mvn -pl " + module + " package)");
    }
    return jar;
  }

  /**
   * The env-service, which the learner asks for the game's action set; ALE is the repository's
   * .cache/ale, found from the jar's folder.
   */
  public static ServiceProcess env() throws Exception {
    return ServiceProcess.builder(jar("env-service")).start().awaitServing(START);
  }

  /**
   * A replay-service in memory whose rate limiter paces a learner of batch 32 at one update per 4
   * inserted transitions (samples per insert 8) from {@code minSize} transitions on, letting either
   * side run {@code errorBuffer} sampled transitions ahead of the other.
   */
  public static ServiceProcess.Builder replay(long minSize, double errorBuffer) {
    return ServiceProcess.builder(jar("replay-service"))
        .property("dqn.replay.capacity", "10000")
        .property("dqn.replay.rate-limiter.min-size-to-sample", String.valueOf(minSize))
        .property("dqn.replay.rate-limiter.samples-per-insert", String.valueOf(SAMPLES_PER_INSERT))
        .property("dqn.replay.rate-limiter.error-buffer", String.valueOf(errorBuffer));
  }

  /** Batch 32 per 4 inserted transitions. */
  public static final int SAMPLES_PER_INSERT = 8;
}
