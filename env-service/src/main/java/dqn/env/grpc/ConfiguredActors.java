package dqn.env.grpc;

import dqn.env.actors.ActorSettings;
import dqn.env.actors.Exploration;
import dqn.env.config.ActorConfig;
import dqn.env.preprocess.PreprocessOptions;

/**
 * The actors this service is configured for (dqn.env.actors.*, from the run specification): what
 * autostart plays and what every unset StartActors field keeps.
 */
public record ConfiguredActors(ActorSettings settings) {

  /**
   * @throws IllegalArgumentException naming the key of an impossible value
   */
  public static ConfiguredActors from(ActorConfig c) {
    ActorConfig.Preprocessing p = c.preprocessing();
    PreprocessOptions options;
    try {
      options =
          new PreprocessOptions(
              p.repeatActionProbability(),
              false,
              p.frameSkip(),
              p.noopMax(),
              p.fireOnReset(),
              p.terminalOnLifeLoss(),
              p.maxEpisodeFrames(),
              p.frameStack(),
              p.screenHeight(),
              p.screenWidth());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dqn.env.actors.preprocessing: " + e.getMessage(), e);
    }
    ActorConfig.Exploration x = c.exploration();
    Exploration exploration =
        switch (x.mode()) {
          case "linear" -> new Exploration.Linear(x.epsilonStart(), x.epsilonEnd(), x.epsilonDecayFrames());
          case "ape-x" -> new Exploration.ApeX();
          default -> throw new IllegalArgumentException(
              "dqn.env.actors.exploration.mode must be linear or ape-x, got " + x.mode());
        };
    try {
      return new ConfiguredActors(
          new ActorSettings(
              c.game(),
              c.count(),
              c.sessionsPerActor(),
              c.seed(),
              options,
              c.model().orElse(c.game()),
              exploration,
              c.streamPrefix(),
              0,
              0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dqn.env.actors: " + e.getMessage(), e);
    }
  }
}
