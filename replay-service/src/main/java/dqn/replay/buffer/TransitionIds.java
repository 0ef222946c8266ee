package dqn.replay.buffer;

/**
 * A transition's id as the API hands it out: its stream's serial in the high bits, its step's
 * sequence number in the low 40.
 */
final class TransitionIds {

  private static final int SEQUENCE_BITS = 40;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

  private TransitionIds() {}

  static long of(int serial, long sequence) {
    return ((long) serial << SEQUENCE_BITS) | sequence;
  }

  static long serial(long id) {
    return id >>> SEQUENCE_BITS;
  }

  static long sequence(long id) {
    return id & SEQUENCE_MASK;
  }
}
