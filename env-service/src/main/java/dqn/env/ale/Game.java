package dqn.env.ale;

import java.util.List;

/**
 * A game played with the Atari joystick's actions, as ListGames lists it: a ROM that ALE
 * emulates, or a built-in game of {@code dqn.env.games} that uses the same action vocabulary.
 *
 * @param name ALE name, the ROM's file name without {@code .bin} (e.g. {@code space_invaders}),
 *     or a built-in game's name (e.g. {@code catch})
 * @param minimalActions the actions that matter in this game, in ALE's order
 * @param fullActions all actions the game accepts (the 18 Atari actions for a ROM), in ALE's order
 */
public record Game(String name, List<AtariAction> minimalActions, List<AtariAction> fullActions) {

  public Game {
    minimalActions = List.copyOf(minimalActions);
    fullActions = List.copyOf(fullActions);
  }

  public List<AtariAction> actions(boolean fullActionSpace) {
    return fullActionSpace ? fullActions : minimalActions;
  }
}
