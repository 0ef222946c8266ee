package dqn.learner;

import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import dqn.testkit.ServiceStartupContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

class LearnerServiceStartupIT extends ServiceStartupContract {

  LearnerServiceStartupIT() {
    super("dqn.v1.LearnerService");
  }

  /** A small network, its files in a fresh folder, and a replay address nothing listens on. */
  @Override
  protected ServiceProcess.Builder configure(ServiceProcess.Builder builder) {
    Path data;
    try {
      data = Files.createTempDirectory("learner-it-");
      return builder
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
