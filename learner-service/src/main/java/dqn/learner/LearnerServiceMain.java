package dqn.learner;

import dqn.runtime.ServiceStartup;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the learner-service. */
@QuarkusMain
public final class LearnerServiceMain {

  private LearnerServiceMain() {}

  public static void main(String... args) {
    ServiceStartup.run("learner-service", args);
  }
}
