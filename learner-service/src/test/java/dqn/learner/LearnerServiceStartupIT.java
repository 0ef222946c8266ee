package dqn.learner;

import dqn.learner.testing.Services;
import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import dqn.testkit.ServiceStartupContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class LearnerServiceStartupIT extends ServiceStartupContract {

  /** The learner learns the game's action set from it before it serves. */
  private static ServiceProcess env;

  LearnerServiceStartupIT() {
    super("dqn.v1.LearnerService");
  }

  @BeforeAll
  static void startEnv() throws Exception {
    env = Services.env();
  }

  @AfterAll
  static void stopEnv() throws Exception {
    env.close();
  }

  /** A small network, its files in a fresh folder, and a replay address nothing listens on. */
  @Override
  protected ServiceProcess.Builder configure(ServiceProcess.Builder builder) {
    Path data;
    try {
      data = Files.createTempDirectory("learner-it-");
      return builder
          .property("dqn.learner.env-target", "127.0.0.1:" + env.port())
          .property("dqn.learner.replay-target", "127.0.0.1:" + FreePorts.pick())
          .property("dqn.learner.inference-target", "127.0.0.1:" + FreePorts.pick())
          .property("dqn.learner.network.architecture", "nips")
          .property("dqn.learner.snapshots.dir", data.resolve("snapshots").toString())
          .property("dqn.learner.checkpoints.dir", data.resolve("checkpoints").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
