package dqn.qnetwork;

/** The network families this project trains and serves. */
public enum Architecture {
  /** Mnih et al. 2013: conv 16 8x8/4, conv 32 4x4/2, fc 256. */
  NIPS_2013("nips_2013"),
  /** Mnih et al. 2015: conv 32 8x8/4, conv 64 4x4/2, conv 64 3x3/1, fc 512. */
  NATURE_2015("nature_2015"),
  /** Fully connected layers over a flat observation vector, for non-Atari games. */
  MLP("mlp");

  private final String id;

  Architecture(String id) {
    this.id = id;
  }

  /** The stable lower-case name written into ONNX metadata ({@code dqn.network}). */
  public String id() {
    return id;
  }

  /** The architecture whose {@link #id()} is {@code id}. */
  public static Architecture fromId(String id) {
    for (Architecture a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown network '" + id + "'; expected one of nips_2013, nature_2015, mlp");
  }
}
