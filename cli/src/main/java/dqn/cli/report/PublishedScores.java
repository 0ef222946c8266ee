package dqn.cli.report;

import java.util.List;
import java.util.Map;

/**
 * Published scores of one game, the references a suite's results are read against: raw game scores
 * (the average total reward of whole games), NaN where a source does not report the game.
 *
 * @param dqn2013 DQN in Mnih et al. 2013, "Playing Atari with Deep Reinforcement Learning", Table 1
 *     (trained on 10M frames)
 * @param nature2015Dqn DQN in Mnih et al. 2015, "Human-level control through deep reinforcement
 *     learning", Nature 518, Extended Data Table 2 (trained on 50M frames)
 * @param human the professional human games tester of the same table
 */
public record PublishedScores(double dqn2013, double nature2015Dqn, double human) {

  /** The seven games of the 2013 paper, in its order (ALE names): a suite's default list. */
  public static final List<String> DQN_2013_GAMES =
      List.of("beam_rider", "breakout", "enduro", "pong", "qbert", "seaquest", "space_invaders");

  /** A game neither paper reports. */
  public static final PublishedScores NONE =
      new PublishedScores(Double.NaN, Double.NaN, Double.NaN);

  private static final Map<String, PublishedScores> BY_GAME =
      Map.of(
          "beam_rider", new PublishedScores(4092, 6846, 5775),
          "breakout", new PublishedScores(168, 401.2, 31.8),
          "enduro", new PublishedScores(470, 301.8, 309.6),
          "pong", new PublishedScores(20, 18.9, 9.3),
          "qbert", new PublishedScores(1952, 10596, 13455),
          "seaquest", new PublishedScores(1705, 5286, 20182),
          "space_invaders", new PublishedScores(581, 1976, 1652));

  /** The scores of {@code game}, an ALE name such as {@code breakout}; {@link #NONE} if unknown. */
  public static PublishedScores of(String game) {
    return BY_GAME.getOrDefault(game, NONE);
  }
}
