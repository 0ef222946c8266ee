package dqn.learner;

import dqn.runtime.ServiceLauncher;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the learner-service. */
@QuarkusMain
public final class LearnerServiceMain {

  private LearnerServiceMain() {}

  public static void main(String... args) {
    ServiceLauncher.run("learner-service", args);
  }
}
