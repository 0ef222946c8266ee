package dqn.qnetwork.onnx;

import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The network variants every export test covers, and deterministic probe batches for them. */
final class TestNetworks {

  private TestNetworks() {
  }

  static List<QNetworkSpec> all() {
    return List.of(
        QNetworkSpec.nips2013(6),
        QNetworkSpec.nips2013(6).withDueling(true),
        QNetworkSpec.nature2015(4),
        QNetworkSpec.nature2015(18).withDueling(true),
        QNetworkSpec.nature2015(3).withInputShape(2, 96, 80),
        QNetworkSpec.mlp(8, List.of(64, 32), 4),
        QNetworkSpec.mlp(8, List.of(64, 32), 4).withDueling(true),
        QNetworkSpec.mlp(128, List.of(32), 5).withInput(InputType.UINT8, 255f),
        QNetworkSpec.mlp(6, List.of(16), 3).withInput(InputType.UINT8, 1f).withDueling(true));
  }

  static Stream<Arguments> arguments() {
    return all().stream().map(spec -> Arguments.of(spec.toString(), spec));
  }

  /** Uniform bytes 0..255 for uint8 networks. */
  static byte[] bytes(QNetworkSpec spec, int batch, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    byte[] obs = new byte[batch * spec.observationSize()];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (byte) rng.nextInt(256);
    }
    return obs;
  }

  /** Values in [-3, 3) for float32 networks. */
  static float[] floats(QNetworkSpec spec, int batch, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] obs = new float[batch * spec.observationSize()];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) rng.nextDouble(-3, 3);
    }
    return obs;
  }
}
