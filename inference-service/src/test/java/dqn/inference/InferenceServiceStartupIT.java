package dqn.inference;

import dqn.testkit.ServiceStartupContract;

class InferenceServiceStartupIT extends ServiceStartupContract {

  InferenceServiceStartupIT() {
    super("dqn.v1.InferenceService");
  }
}
