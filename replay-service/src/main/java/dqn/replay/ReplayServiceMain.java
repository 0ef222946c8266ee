package dqn.replay;

import dqn.runtime.ServiceStartup;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the replay-service. */
@QuarkusMain
public final class ReplayServiceMain {

  private ReplayServiceMain() {}

  public static void main(String... args) {
    ServiceStartup.run("replay-service", args);
  }
}
