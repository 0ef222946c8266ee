package dqn.replay.memory;

import dqn.replay.buffer.ReplayContractTest;
import dqn.replay.buffer.ReplayStore;

/** The replay contract over the embedded store ("reopening" shares the same in-process data). */
class MemoryReplayContractTest extends ReplayContractTest {

  private MemoryReplayStore store;

  @Override
  protected ReplayStore emptyStore(ReplayStore.Layout layout) {
    store = new MemoryReplayStore(layout);
    return store;
  }

  @Override
  protected ReplayStore reopenedStore(ReplayStore.Layout layout) {
    return store;
  }
}
