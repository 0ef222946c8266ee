package dqn.replay.app;

import dqn.replay.buffer.Replay;
import dqn.v1.ReplayServiceGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The replay's gRPC health follows its store: NOT_SERVING while Redis is unreachable (every call
 * would answer UNAVAILABLE), so a readiness probe stops sending traffic, and SERVING again once
 * Redis is back. The in-memory store is always reachable.
 */
@ApplicationScoped
public class StoreReadiness {

  private static final Logger LOG = Logger.getLogger(StoreReadiness.class);
  private static final long CHECK_PERIOD_MS = 1_000;

  private ScheduledExecutorService checks;
  private boolean reachable = true;

  void start(@Observes StartupEvent event, Replay replay, GrpcHealthStorage health) {
    checks =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "replay-readiness");
              thread.setDaemon(true);
              return thread;
            });
    checks.scheduleWithFixedDelay(() -> check(replay, health), 0, CHECK_PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  private void check(Replay replay, GrpcHealthStorage health) {
    boolean now = replay.storeReachable();
    if (now == reachable) {
      return;
    }
    reachable = now;
    ServingStatus status = now ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, status);
    health.setStatus(ReplayServiceGrpc.SERVICE_NAME, status);
    if (now) {
      LOG.info("the replay's store is reachable again: health SERVING");
    } else {
      LOG.warn("the replay's store is unreachable: health NOT_SERVING until it is back");
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (checks != null) {
      checks.shutdownNow();
    }
  }
}
