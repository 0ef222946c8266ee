package dqn.learner;

import dqn.testkit.ServiceStartupContract;

class LearnerServiceStartupIT extends ServiceStartupContract {

  LearnerServiceStartupIT() {
    super("dqn.v1.LearnerService");
  }
}
