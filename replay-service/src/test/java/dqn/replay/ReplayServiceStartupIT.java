package dqn.replay;

import dqn.testkit.ServiceStartupContract;

class ReplayServiceStartupIT extends ServiceStartupContract {

  ReplayServiceStartupIT() {
    super("dqn.v1.ReplayService");
  }
}
