package dqn.env.actors;

/**
 * Where the actors stand, for GetActorStatus.
 *
 * @param framesPerSecond global emulator frames per second over the last few seconds
 * @param meanReturn mean raw return of the last 100 games (NaN before the first)
 * @param meanClippedReturn mean clipped return of the same games
 * @param modelVersion the oldest version any actor acts with (0: some act at random)
 * @param problem why they are not making progress, or empty
 * @param inferenceWaitFraction share of recent actor time spent waiting for actions
 * @param replayWaitFraction share of recent actor time spent waiting for the replay
 * @param acknowledgedSteps steps of these actors the replay has acknowledged as stored
 */
public record ActorStatusView(
    boolean running,
    String game,
    int actors,
    int sessions,
    long frames,
    long episodes,
    double framesPerSecond,
    double meanReturn,
    double meanClippedReturn,
    double epsilon,
    long modelVersion,
    String problem,
    double inferenceWaitFraction,
    double replayWaitFraction,
    long acknowledgedSteps) {

  /** Before the actors first started. */
  public static final ActorStatusView NEVER_STARTED =
      new ActorStatusView(false, "", 0, 0, 0, 0, 0, Double.NaN, Double.NaN, 0, 0, "", 0, 0, 0);

  /** This view once the actors have stopped: no speed, no problem, the final acknowledged steps. */
  public ActorStatusView stopped(long finalAcknowledgedSteps) {
    return new ActorStatusView(
        false, game, actors, sessions, frames, episodes, 0, meanReturn, meanClippedReturn, epsilon, modelVersion, "",
        inferenceWaitFraction, replayWaitFraction, finalAcknowledgedSteps);
  }
}
