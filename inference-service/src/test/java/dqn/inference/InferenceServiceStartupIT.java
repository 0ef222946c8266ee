package dqn.inference;

import dqn.launcher.ServiceProcess;
import dqn.testkit.ServiceStartupContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class InferenceServiceStartupIT extends ServiceStartupContract {

  InferenceServiceStartupIT() {
    super("dqn.v1.InferenceService");
  }

  @Override
  protected ServiceProcess.Builder configure(ServiceProcess.Builder builder) {
    try {
      return builder.property(
          "dqn.inference.registry.model-dir",
          Files.createTempDirectory("inference-startup-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
