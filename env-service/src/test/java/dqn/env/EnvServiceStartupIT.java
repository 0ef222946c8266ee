package dqn.env;

import dqn.testkit.ServiceStartupContract;

class EnvServiceStartupIT extends ServiceStartupContract {

  EnvServiceStartupIT() {
    super("dqn.v1.EnvService");
  }
}
