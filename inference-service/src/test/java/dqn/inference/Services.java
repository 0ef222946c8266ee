package dqn.inference;

import dqn.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Starts the packaged inference-service the way tests need it. */
final class Services {

  private Services() {}

  /** The service on a model folder, with ONNX Runtime on one thread. */
  static ServiceProcess.Builder builder(Path modelDir) {
    return ServiceProcess.builder(ServiceProcess.moduleJar())
        .property("dqn.inference.registry.model-dir", modelDir.toString())
        .property("dqn.inference.runtime.intra-op-threads", "1");
  }

  static ServiceProcess start(ServiceProcess.Builder builder)
      throws IOException, InterruptedException {
    return builder.start().awaitServing(Duration.ofSeconds(60));
  }
}
