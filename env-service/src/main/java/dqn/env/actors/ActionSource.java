package dqn.env.actors;

/** Where an actor's greedy actions come from (the inference-service, through its adapter). */
public interface ActionSource extends AutoCloseable {

  /** Greedy actions for a batch and the model version that chose them. */
  record Choice(int[] greedyActions, long modelVersion) {}

  /**
   * Greedy actions for {@code rows} observations, uint8 {@code [rows, ...observationShape]}.
   *
   * @return null while no version of the model is live (the actor then acts at random)
   * @throws SourceUnavailableException when the source cannot answer now (retry later)
   */
  Choice choose(byte[] observations, int rows, long[] observationShape)
      throws InterruptedException, SourceUnavailableException;

  /** What keeps the source from answering as it should right now, or "" (shown in ActorStatus). */
  default String problem() {
    return "";
  }

  @Override
  void close();

  /** The source could not answer: unreachable, or it refused the request; the message says why. */
  final class SourceUnavailableException extends Exception {
    public SourceUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
