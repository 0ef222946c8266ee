package dqn.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.ServiceProcess;
import dqn.replay.testing.RedisServerProcess;
import dqn.testkit.GrpcProbe;
import dqn.v1.GetStatsRequest;
import dqn.v1.ReplayServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis AUTH against a real redis-server that requires a password: the right one serves, a wrong
 * or missing one stops the start with what to change, and the password is never printed.
 */
class RedisAuthIT {

  private static final String PASSWORD = "s3cret-replay-pass";

  @Test
  void theRightPasswordServesAndAWrongOrMissingOneStopsTheStartWithTheReason() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(PASSWORD)) {
      try (ServiceProcess replay =
              replay(redis).environment("DQN_REPLAY_REDIS_PASSWORD", PASSWORD).start().awaitServing(Duration.ofSeconds(60));
          GrpcProbe probe = new GrpcProbe("127.0.0.1", replay.port())) {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, probe.health());
        assertEquals(
            "redis",
            ReplayServiceGrpc.newBlockingStub(probe.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .getStats(GetStatsRequest.getDefaultInstance())
                .getStore());
        assertFalse(replay.output().contains(PASSWORD), "the password is never logged");
      }

      try (ServiceProcess wrong = replay(redis).environment("DQN_REPLAY_REDIS_PASSWORD", "not-it").start()) {
        assertTrue(wrong.awaitExit(Duration.ofSeconds(60)) != 0, "a wrong password stops the start");
        String output = wrong.output();
        assertTrue(output.contains("refused the password"), output);
        assertTrue(output.contains("DQN_REPLAY_REDIS_PASSWORD"), output);
        assertFalse(output.contains("not-it"), "not even a wrong password is printed");
      }

      try (ServiceProcess missing = replay(redis).start()) {
        assertTrue(missing.awaitExit(Duration.ofSeconds(60)) != 0, "a missing password stops the start");
        assertTrue(missing.output().contains("requires a password"), missing.output());
      }
    }
  }

  private static ServiceProcess.Builder replay(RedisServerProcess redis) {
    return ServiceProcess.builder(ServiceProcess.moduleJar())
        .property("dqn.replay.redis-uri", redis.uri() + "/0")
        .property("dqn.replay.redis.retry-attempts", "2")
        .property("dqn.replay.redis.key-prefix", "dqn:auth-it");
  }
}
