package dqn.env.actors;

import org.jboss.logging.Logger;

/**
 * An actor's action source that keeps the actor acting while the primary (the inference-service)
 * is unreachable: it then answers from the last model version copied here, asking the primary
 * again once a second, and goes back to it as soon as it answers. Without a copy yet, the primary's
 * failure passes through (the actor pauses, as before).
 */
public final class FallbackActionSource implements ActionSource {

  private static final Logger LOG = Logger.getLogger(FallbackActionSource.class);
  private static final long PRIMARY_RETRY_NANOS = 1_000_000_000L;

  private final ActionSource primary;
  private final LastModelCopy copy;
  private final String name;
  private long primaryRetryAtNanos;
  private volatile boolean actingLocally;
  private volatile String problem = "";

  /**
   * @param name who acts, for the log ("actor 0")
   */
  public FallbackActionSource(ActionSource primary, LastModelCopy copy, String name) {
    this.primary = primary;
    this.copy = copy;
    this.name = name;
  }

  @Override
  public Choice choose(byte[] observations, int rows, long[] observationShape)
      throws InterruptedException, SourceUnavailableException {
    if (actingLocally && System.nanoTime() < primaryRetryAtNanos) {
      Choice local = copy.choose(observations, rows, observationShape);
      if (local != null) {
        return local;
      }
    }
    Choice served;
    try {
      served = primary.choose(observations, rows, observationShape);
    } catch (SourceUnavailableException e) {
      Choice local = copy.choose(observations, rows, observationShape);
      if (local == null) {
        throw e;
      }
      if (!actingLocally) {
        problem = e.getMessage() + "; acting with the copy of v" + local.modelVersion() + " meanwhile";
        LOG.warnf("%s: %s", name, problem);
        actingLocally = true;
      }
      primaryRetryAtNanos = System.nanoTime() + PRIMARY_RETRY_NANOS;
      return local;
    }
    if (actingLocally) {
      LOG.infof("%s: the inference-service answers again", name);
      actingLocally = false;
      problem = "";
    }
    if (served != null) {
      copy.served(served.modelVersion());
    }
    return served;
  }

  @Override
  public String problem() {
    return problem;
  }

  @Override
  public void close() {
    primary.close();
  }
}
