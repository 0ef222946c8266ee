package dqn.env.actors;

/** Where an actor's steps go (the replay-service, through its writer). One caller at a time. */
public interface StepSink extends AutoCloseable {

  /** Appends one step of a stream; may wait while the replay holds the actors back. */
  void append(String stream, boolean episodeStart, int action, float reward, boolean terminated, boolean truncated, byte[] frame)
      throws InterruptedException;

  /** Why steps are not being taken now; empty when fine. */
  String problem();

  /** Total time {@link #append} has waited, in nanoseconds. */
  long waitNanos();

  /** Steps the replay has acknowledged as stored (episode starts included). */
  long ackedSteps();

  /** Sends everything held and waits (boundedly) for it to be stored. */
  @Override
  void close() throws InterruptedException;
}
