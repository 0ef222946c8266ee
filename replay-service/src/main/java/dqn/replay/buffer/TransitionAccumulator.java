package dqn.replay.buffer;

import java.util.function.LongConsumer;

/**
 * The frame history of one actor stream and the transitions it yields (the replay keeps one per
 * stream, so interleaved actors never mix histories).
 *
 * <p>Step {@code t} yields the transition (stack(t), action of t+1, n-step return, stack(t+m)),
 * where m ≤ n stops early at an episode end. It becomes <em>ready</em> (sampleable) once m is
 * known: when step t+n arrives, when the episode ends (terminated: discount 0; truncated:
 * bootstrapped), or when a new episode starts on the stream before either (treated as a
 * truncation). A stacked state never reaches across an episode start: it is padded with the
 * episode's first frame, as gymnasium's FrameStack does after a reset.
 *
 * <p>Steps are kept in a ring indexed by sequence from {@code first} (oldest live) to {@code next}
 * (exclusive). Evicting the oldest step also retires transitions whose stacked state needed it.
 */
public final class TransitionAccumulator {

  private static final byte READY = 8;
  private static final byte LOST = 16;
  private static final byte END = ReplayStore.TERMINATED | ReplayStore.TRUNCATED;

  private final String name;
  private final int serial;
  private final int nStep;
  private final int frameStack;

  private long first;
  private long next;
  private int mask;
  private byte[] flags;
  private int[] actions;
  private float[] rewards;
  private long[] episodeStarts;
  private int[] slots;
  private int[] offsets;
  private int[] lengths;
  /** Data bytes in the chunk that holds step next-1 (0 when that chunk is gone or unstarted). */
  private int tailChunkLength;

  public TransitionAccumulator(String name, int serial, long nextSequence, int nStep, int frameStack) {
    this.name = name;
    this.serial = serial;
    this.nStep = nStep;
    this.frameStack = frameStack;
    this.first = nextSequence;
    this.next = nextSequence;
    allocate(64);
  }

  public String name() {
    return name;
  }

  public int serial() {
    return serial;
  }

  /** Oldest live sequence. */
  public long first() {
    return first;
  }

  /** Next sequence expected; every sequence below it has been stored. */
  public long next() {
    return next;
  }

  public boolean isEmpty() {
    return first == next;
  }

  /** True when the last stored step belongs to an episode that has not ended. */
  public boolean episodeOpen() {
    return !isEmpty() && (flag(next - 1) & END) == 0;
  }

  public int tailChunkLength() {
    return tailChunkLength;
  }

  public boolean contains(long seq) {
    return seq >= first && seq < next;
  }

  /** Step {@code t} is a ready transition whose history is still stored. */
  public boolean isSampleable(long t) {
    return contains(t) && (flag(t) & (READY | LOST)) == READY;
  }

  /** Step {@code t} was made ready at some point (it may since have been evicted). */
  public boolean wasReady(long t) {
    return contains(t) && (flag(t) & READY) != 0;
  }

  public int slot(long seq) {
    return slots[index(seq)];
  }

  public int offset(long seq) {
    return offsets[index(seq)];
  }

  public int length(long seq) {
    return lengths[index(seq)];
  }

  public long episodeStart(long seq) {
    return episodeStarts[index(seq)];
  }

  /**
   * Appends step {@code next}; {@code becameReady} receives each earlier step whose transition
   * this step completes. {@code tailChunkLength} is the chunk's data length after this step.
   */
  public void append(
      byte stepFlags,
      int action,
      float reward,
      int slot,
      int offset,
      int length,
      int tailChunkLength,
      LongConsumer becameReady) {
    if (next - first == flags.length) {
      allocate(flags.length * 2);
    }
    long s = next;
    boolean start = (stepFlags & ReplayStore.EPISODE_START) != 0;
    long previous = s - 1;
    // A stream reloaded after eviction may begin mid-episode: its start lies before `first`.
    long episodeStart =
        start ? s : contains(previous) ? episodeStarts[index(previous)] : first - 1;
    long previousEpisodeStart = contains(previous) ? episodeStarts[index(previous)] : first - 1;
    int i = index(s);
    flags[i] = start ? ReplayStore.EPISODE_START : stepFlags;
    actions[i] = action;
    rewards[i] = reward;
    episodeStarts[i] = episodeStart;
    slots[i] = slot;
    offsets[i] = offset;
    lengths[i] = length;
    next = s + 1;
    this.tailChunkLength = tailChunkLength;

    if (start) {
      // A new episode abandons an open one: its last steps are complete as they are (truncation).
      if (contains(previous) && (flag(previous) & END) == 0) {
        markReady(previous - nStep + 1, previous - 1, previousEpisodeStart, becameReady);
      }
    } else if ((stepFlags & END) != 0) {
      markReady(s - nStep, s - 1, episodeStart, becameReady);
    } else {
      markReady(s - nStep, s - nStep, episodeStart, becameReady);
    }
  }

  /** Marks the steps from..to of the episode that started at {@code episodeStart} ready. */
  private void markReady(long from, long to, long episodeStart, LongConsumer becameReady) {
    for (long t = Math.max(from, Math.max(first, episodeStart)); t <= to; t++) {
      int i = index(t);
      if ((flags[i] & (READY | END)) == 0) {
        flags[i] |= READY;
        if (historyLive(t)) {
          becameReady.accept(t);
        } else {
          flags[i] |= LOST;
        }
      }
    }
  }

  /**
   * Evicts the oldest step. {@code retired} receives every transition that stops being
   * sampleable: the evicted step's own and those whose stacked state needed its frame.
   */
  public void evictOldest(LongConsumer retired) {
    long e = first;
    if (isSampleable(e)) {
      retired.accept(e);
    }
    first = e + 1;
    for (long t = first; t < next && t < e + frameStack; t++) {
      int i = index(t);
      if ((flags[i] & LOST) == 0 && !historyLive(t)) {
        if ((flags[i] & READY) != 0) {
          retired.accept(t);
        }
        flags[i] |= LOST;
      }
    }
  }

  /** The chunk holding the newest step was deleted: the next step starts it afresh. */
  public void tailChunkDeleted() {
    tailChunkLength = 0;
  }

  /** The stacked state of step t needs no step older than {@code first}. */
  private boolean historyLive(long t) {
    return Math.max(t - frameStack + 1, episodeStarts[index(t)]) >= first;
  }

  /**
   * Steps taken by the transition at t: 1..n, fewer when the episode ends or is abandoned first.
   */
  public int stepsTaken(long t) {
    int m = 0;
    for (int j = 1; j <= nStep; j++) {
      long u = t + j;
      if (u >= next || (flag(u) & ReplayStore.EPISODE_START) != 0) {
        break;
      }
      m = j;
      if ((flag(u) & END) != 0) {
        break;
      }
    }
    return m;
  }

  /** The step ended its episode by termination: nothing is bootstrapped from it. */
  public boolean terminated(long seq) {
    return (flag(seq) & ReplayStore.TERMINATED) != 0;
  }

  public int action(long seq) {
    return actions[index(seq)];
  }

  public float reward(long seq) {
    return rewards[index(seq)];
  }

  /** Sequence of the frame at position k (0 = oldest) of the state stacked at step t. */
  public long stackedFrame(long t, int k) {
    return Math.max(t - frameStack + 1 + k, episodeStarts[index(t)]);
  }

  private byte flag(long seq) {
    return flags[index(seq)];
  }

  private int index(long seq) {
    return (int) (seq & mask);
  }

  private void allocate(int capacity) {
    byte[] newFlags = new byte[capacity];
    int[] newActions = new int[capacity];
    float[] newRewards = new float[capacity];
    long[] newStarts = new long[capacity];
    int[] newSlots = new int[capacity];
    int[] newOffsets = new int[capacity];
    int[] newLengths = new int[capacity];
    int newMask = capacity - 1;
    for (long s = first; s < next; s++) {
      int from = index(s);
      int to = (int) (s & newMask);
      newFlags[to] = flags[from];
      newActions[to] = actions[from];
      newRewards[to] = rewards[from];
      newStarts[to] = episodeStarts[from];
      newSlots[to] = slots[from];
      newOffsets[to] = offsets[from];
      newLengths[to] = lengths[from];
    }
    flags = newFlags;
    actions = newActions;
    rewards = newRewards;
    episodeStarts = newStarts;
    slots = newSlots;
    offsets = newOffsets;
    lengths = newLengths;
    mask = newMask;
  }
}
