package dqn.env.preprocess;

/**
 * Statistics of one finished game (all its lives).
 *
 * @param episodeReturn sum of raw rewards
 * @param frames emulator frames played
 * @param steps agent steps taken
 */
public record EpisodeSummary(double episodeReturn, long frames, long steps) {}
