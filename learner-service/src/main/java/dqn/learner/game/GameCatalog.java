package dqn.learner.game;

import java.util.List;
import java.util.Map;

/** The games the env-service emulates, as the learner needs them. */
public interface GameCatalog extends AutoCloseable {

  /**
   * Every game's minimal action set (the meanings, in index order), by game name.
   *
   * @throws EnvUnavailableException when the env-service cannot be reached or fails the call
   */
  Map<String, List<String>> minimalActionSets();

  /** Where the games come from, for messages, e.g. "the env-service at 127.0.0.1:50051". */
  String source();

  @Override
  void close();
}
