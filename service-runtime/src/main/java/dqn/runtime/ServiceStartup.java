package dqn.runtime;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusBindException;

/**
 * Starts this process's dqn service (in process; the launcher module starts services as child
 * processes) and turns start-up failures into messages a person can act on. Quarkus
 * alone reports a busy port without saying which setting moves the service elsewhere.
 */
public final class ServiceStartup {

  /** The environment variable every service reads its port from (quarkus.http.port). */
  public static final String PORT_VARIABLE = "DQN_PORT";

  private ServiceStartup() {}

  /** Runs the service until it is shut down; exits the JVM with status 1 if it cannot start. */
  public static void run(String serviceName, String... args) {
    Quarkus.run(
        null,
        (exitCode, failure) -> {
          QuarkusBindException busy = findBindFailure(failure);
          if (busy != null) {
            System.err.printf(
                "%s cannot start: port %d is already in use. Stop the process holding it, or choose"
                    + " another port with %s=<port> (or -Dquarkus.http.port=<port>).%n",
                serviceName, busy.getPort(), PORT_VARIABLE);
          } else if (failure != null) {
            System.err.printf("%s cannot start: %s%n", serviceName, describe(failure));
          }
          System.exit(exitCode);
        },
        args);
  }

  /** The failure and its causes on one line: the root cause usually says what to fix. */
  private static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(String.valueOf(failure));
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      text.append(" <- caused by ").append(cause);
    }
    return text.toString();
  }

  private static QuarkusBindException findBindFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof QuarkusBindException bind) {
        return bind;
      }
    }
    return null;
  }
}
