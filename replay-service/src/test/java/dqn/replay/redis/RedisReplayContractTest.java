package dqn.replay.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.replay.buffer.ReplayContractTest;
import dqn.replay.buffer.ReplayException;
import dqn.replay.buffer.ReplayStore;
import dqn.replay.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void aPrefixWrittenWithAnotherLayoutIsRefusedWithTheSettingToChange() {
    emptyStore(layout());
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> open(redis.uri(), prefix, new ReplayStore.Layout(84, 84, CHUNK)));
    assertTrue(e.getMessage().contains("dqn.replay.redis.key-prefix"), e.getMessage());
    assertTrue(e.getMessage().contains("frame-height=84"), e.getMessage());
  }

  @Test
  void anUnreachableRedisIsUnavailableAfterTheRetries() {
    int closedPort = dqn.launcher.FreePorts.pick();
    var e =
        assertThrows(
            ReplayException.StoreUnavailable.class,
            () -> open("redis://127.0.0.1:" + closedPort, "x", layout()));
    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
    assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
  }

  @AfterEach
  void closeStores() {
    stores.forEach(RedisReplayStore::close);
  }
}
