package dqn.inference;

import dqn.runtime.ServiceStartup;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the inference-service. */
@QuarkusMain
public final class InferenceServiceMain {

  private InferenceServiceMain() {}

  public static void main(String... args) {
    ServiceStartup.run("inference-service", args);
  }
}
