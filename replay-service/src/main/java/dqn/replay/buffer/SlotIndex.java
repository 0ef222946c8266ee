package dqn.replay.buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ring of {@code capacity} slots holds: each slot's step (its stream and sequence, or
 * none), and the streams by serial and by name. Changed only under the replay's write lock.
 */
final class SlotIndex {

  private static final int EMPTY = -1;

  private final Map<String, TransitionAccumulator> byName = new HashMap<>();
  private final List<TransitionAccumulator> bySerial = new ArrayList<>();
  private final int[] slotStream;
  private final long[] slotSequence;

  SlotIndex(int capacity) {
    slotStream = new int[capacity];
    slotSequence = new long[capacity];
    Arrays.fill(slotStream, EMPTY);
  }

  void clear() {
    byName.clear();
    bySerial.clear();
    Arrays.fill(slotStream, EMPTY);
  }

  /** A new stream; its serial must be the next one. */
  void addStream(TransitionAccumulator stream) {
    if (stream.serial() != bySerial.size()) {
      throw new IllegalStateException("stream " + stream.name() + " has serial " + stream.serial() + ", expected " + bySerial.size());
    }
    byName.put(stream.name(), stream);
    bySerial.add(stream);
  }

  /** The stream of this name, or null. */
  TransitionAccumulator stream(String name) {
    return byName.get(name);
  }

  /** The stream of this serial, or null when there is none. */
  TransitionAccumulator stream(long serial) {
    return serial >= 0 && serial < bySerial.size() ? bySerial.get((int) serial) : null;
  }

  /** The serial a new stream gets. */
  int nextSerial() {
    return bySerial.size();
  }

  int streamCount() {
    return bySerial.size();
  }

  boolean occupied(int slot) {
    return slotStream[slot] != EMPTY;
  }

  /** The stream whose step the slot holds (the slot must be occupied). */
  TransitionAccumulator owner(int slot) {
    return bySerial.get(slotStream[slot]);
  }

  /** The sequence number of the step the slot holds. */
  long sequence(int slot) {
    return slotSequence[slot];
  }

  void put(int slot, int serial, long sequence) {
    slotStream[slot] = serial;
    slotSequence[slot] = sequence;
  }

  void free(int slot) {
    slotStream[slot] = EMPTY;
  }
}
