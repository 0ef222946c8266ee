package dqn.env;

import dqn.runtime.ServiceStartup;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of the env-service. */
@QuarkusMain
public final class EnvServiceMain {

  private EnvServiceMain() {}

  public static void main(String... args) {
    ServiceStartup.run("env-service", args);
  }
}
