package dqn.env.preprocess;

/** A step was asked of an episode that has ended; it needs a reset first. */
public class EpisodeOverException extends IllegalStateException {

  public EpisodeOverException(String message) {
    super(message);
  }
}
