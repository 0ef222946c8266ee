package dqn.replay.redis;

import dqn.replay.buffer.ReplayContractTest;
import dqn.replay.buffer.ReplayStore;
import dqn.replay.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The replay contract over a real redis-server (AOF on); each test has its own key prefix. */
class RedisReplayContractTest extends ReplayContractTest {

  private static RedisServerProcess redis;
  private static int testNumber;
  private final List<RedisReplayStore> stores = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static RedisReplayStore open(String uri, String prefix, ReplayStore.Layout layout) {
    return new RedisReplayStore(
        uri,
        prefix,
        layout,
        new RedisReplayStore.RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)),
        Duration.ofSeconds(5));
  }

  @Override
  protected ReplayStore emptyStore(ReplayStore.Layout layout) {
    prefix = "test" + (++testNumber);
    RedisReplayStore store = open(redis.uri(), prefix, layout);
    stores.add(store);
    return store;
  }

  @Override
  protected ReplayStore reopenedStore(ReplayStore.Layout layout) {
    RedisReplayStore store = open(redis.uri(), prefix, layout);
    stores.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    stores.forEach(RedisReplayStore::close);
  }
}
