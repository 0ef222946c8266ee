package dqn.learner.config;

import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;

/** The shared network definition the configuration names. */
public final class Networks {

  private Networks() {}

  /**
   * The spec of {@code network} with {@code numActions} outputs (the game's action set); every
   * variant takes the replay's uint8 states.
   */
  public static QNetworkSpec spec(LearnerConfig.Network network, int numActions) {
    QNetworkSpec spec =
        switch (network.architecture()) {
          case "nature" -> QNetworkSpec.nature2015(numActions)
              .withInputShape(network.frameStack(), network.frameHeight(), network.frameWidth());
          case "nips" -> QNetworkSpec.nips2013(numActions)
              .withInputShape(network.frameStack(), network.frameHeight(), network.frameWidth());
          case "mlp" -> QNetworkSpec.mlp(network.mlpInputSize().orElseThrow(), network.mlpHidden(), numActions)
              .withInput(InputType.UINT8, QNetworkSpec.PIXEL_DIVISOR);
          default -> throw new IllegalArgumentException(
              "unknown architecture '" + network.architecture() + "'");
        };
    return spec.withDueling(network.dueling());
  }
}
