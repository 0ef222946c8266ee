package dqn.env.preprocess;

/**
 * How gymnasium's Atari environment turns a reset seed into its generators:
 * {@code numpy.random.SeedSequence(seed).generate_state(2)} gives two 32-bit words; the second,
 * as a signed int, is ALE's {@code random_seed} (it drives sticky actions), the first seeds the
 * no-op count. Matching it makes sticky-action runs follow the same emulator randomness as
 * gymnasium for the same seed.
 */
public final class GymSeeds {

  private static final int INIT_A = 0x43b0d7e5;
  private static final int MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd;
  private static final int MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd;
  private static final int MIX_MULT_R = 0x4973f715;
  private static final int POOL_SIZE = 4;

  private GymSeeds() {}

  /** ALE's {@code random_seed} for a reset seed (an unsigned 64-bit value). */
  public static int aleSeed(long seed) {
    return generateState(seed, 2)[1];
  }

  /** The first state word, which gymnasium uses to seed its own generator (no-ops). */
  public static int noopSeed(long seed) {
    return generateState(seed, 2)[0];
  }

  /** numpy's SeedSequence(seed).generate_state(words) for a non-negative integer seed. */
  static int[] generateState(long seed, int words) {
    int[] pool = pool(entropy(seed));
    int[] state = new int[words];
    int hashConst = INIT_B;
    for (int i = 0; i < words; i++) {
      int value = pool[i % POOL_SIZE];
      value ^= hashConst;
      hashConst *= MULT_B;
      value *= hashConst;
      value ^= value >>> 16;
      state[i] = value;
    }
    return state;
  }

  /** The seed as little-endian 32-bit words (unsigned), at least one. */
  private static int[] entropy(long seed) {
    int high = (int) (seed >>> 32);
    return high == 0 ? new int[] {(int) seed} : new int[] {(int) seed, high};
  }

  private static int[] pool(int[] entropy) {
    int[] hashConst = {INIT_A};
    int[] mixer = new int[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++) {
      mixer[i] = hashMix(i < entropy.length ? entropy[i] : 0, hashConst);
    }
    for (int src = 0; src < POOL_SIZE; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        if (src != dst) {
          mixer[dst] = mix(mixer[dst], hashMix(mixer[src], hashConst));
        }
      }
    }
    for (int src = POOL_SIZE; src < entropy.length; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        mixer[dst] = mix(mixer[dst], hashMix(entropy[src], hashConst));
      }
    }
    return mixer;
  }

  private static int hashMix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    value ^= value >>> 16;
    return value;
  }

  private static int mix(int x, int y) {
    int result = MIX_MULT_L * x - MIX_MULT_R * y;
    result ^= result >>> 16;
    return result;
  }
}
