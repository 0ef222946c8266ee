package dqn.env;

import dqn.env.config.SessionConfig;
import dqn.env.session.SessionManager;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Closes idle sessions: checks four times per idle timeout (at most once a minute). */
@Singleton
@Startup
public class SessionReaper {

  private static final Logger LOG = Logger.getLogger(SessionReaper.class);

  private final SessionManager sessions;
  private final long periodMillis;
  private ScheduledExecutorService timer;

  public SessionReaper(SessionManager sessions, SessionConfig config) {
    this.sessions = sessions;
    this.periodMillis = Math.max(100, Math.min(config.idleTimeout().toMillis() / 4, 60_000));
  }

  @PostConstruct
  void start() {
    timer = Executors.newSingleThreadScheduledExecutor(EnvBeans.daemon("session-reaper"));
    timer.scheduleWithFixedDelay(this::reap, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }

  private void reap() {
    try {
      sessions.reapIdle();
    } catch (RuntimeException e) {
      // A failure must not cancel the schedule: the next round retries.
      LOG.warnf(e, "closing idle sessions failed");
    }
  }
}
