package dqn.env.ale;

import java.nio.file.Path;
import java.util.List;

/**
 * A game ALE can emulate.
 *
 * @param name ALE name, the ROM's file name without {@code .bin} (e.g. {@code space_invaders})
 * @param rom the ROM file
 * @param minimalActions the actions that matter in this game, in ALE's order
 * @param fullActions all 18 Atari actions, in ALE's order
 */
public record Game(
    String name, Path rom, List<AtariAction> minimalActions, List<AtariAction> fullActions) {

  public Game {
    minimalActions = List.copyOf(minimalActions);
    fullActions = List.copyOf(fullActions);
  }

  public List<AtariAction> actions(boolean fullActionSpace) {
    return fullActionSpace ? fullActions : minimalActions;
  }
}
