package dqn.env.ale;

/** The 18 Atari 2600 joystick actions, in ALE's numbering (the ordinal is ALE's action id). */
public enum AtariAction {
  NOOP,
  FIRE,
  UP,
  RIGHT,
  LEFT,
  DOWN,
  UPRIGHT,
  UPLEFT,
  DOWNRIGHT,
  DOWNLEFT,
  UPFIRE,
  RIGHTFIRE,
  LEFTFIRE,
  DOWNFIRE,
  UPRIGHTFIRE,
  UPLEFTFIRE,
  DOWNRIGHTFIRE,
  DOWNLEFTFIRE;

  private static final AtariAction[] BY_ID = values();

  /** ALE's id of this action (0 NOOP .. 17 DOWNLEFTFIRE). */
  public int aleId() {
    return ordinal();
  }

  public static AtariAction ofAleId(int id) {
    if (id < 0 || id >= BY_ID.length) {
      throw new AleException("ALE returned action id " + id + ", outside 0..17");
    }
    return BY_ID[id];
  }
}
