package dqn.env.actors;

import dqn.env.preprocess.PreprocessOptions;

/**
 * What a pool of actors plays and how.
 *
 * @param game ALE name (or a built-in game)
 * @param actors actor loops, each a thread stepping its sessions together
 * @param sessionsPerActor emulator sessions per actor; their observations go in one inference request
 * @param seed session k (over all actors) is seeded seed + k
 * @param options the preprocessing of every session
 * @param model model name at the inference-service
 * @param exploration how epsilon is chosen
 * @param streamPrefix replay stream ids are {@code <prefix>-<k>-<start id>}
 * @param startFrames global emulator frames played before this start (resume)
 * @param startEpisodes games finished before this start (resume)
 */
public record ActorSettings(
    String game,
    int actors,
    int sessionsPerActor,
    long seed,
    PreprocessOptions options,
    String model,
    Exploration exploration,
    String streamPrefix,
    long startFrames,
    long startEpisodes) {

  /** Most sessions one pool may play (each holds an emulator). */
  public static final int MAX_SESSIONS = 1024;

  public ActorSettings {
    if (actors < 1 || sessionsPerActor < 1 || (long) actors * sessionsPerActor > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "num_actors and sessions_per_actor must be at least 1, with at most " + MAX_SESSIONS
              + " sessions in all; got " + actors + " x " + sessionsPerActor);
    }
    if (startFrames < 0 || startEpisodes < 0) {
      throw new IllegalArgumentException(
          "start_frames and start_episodes must be >= 0, got " + startFrames + " and " + startEpisodes);
    }
    if (model == null || !model.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "model must be 1 to 64 letters, digits, '-', '_' or '.', got '" + model + "'");
    }
    if (streamPrefix == null || !streamPrefix.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "replay_stream_prefix must be 1 to 64 letters, digits, '-', '_' or '.', got '" + streamPrefix + "'");
    }
  }

  public int sessions() {
    return actors * sessionsPerActor;
  }
}
