package dqn.learner.config;

import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;

/** The shared network definition the configuration names. */
public final class Networks {

  private Networks() {}

  /** The spec of {@code network}; every variant takes the replay's uint8 states. */
  public static QNetworkSpec spec(LearnerConfig.Network network) {
    QNetworkSpec spec =
        switch (network.architecture()) {
          case "nature" -> QNetworkSpec.nature2015(network.numActions());
          case "nips" -> QNetworkSpec.nips2013(network.numActions());
          case "mlp" -> QNetworkSpec.mlp(
                  network.mlpInputSize().orElseThrow(), network.mlpHidden(), network.numActions())
              .withInput(InputType.UINT8, QNetworkSpec.PIXEL_DIVISOR);
          default -> throw new IllegalArgumentException(
              "unknown architecture '" + network.architecture() + "'");
        };
    return spec.withDueling(network.dueling());
  }
}
