package dqn.qnetwork;

import static dqn.qnetwork.Expect.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QNetworkWeightsTest {

  private static final QNetworkSpec SMALL = QNetworkSpec.mlp(3, List.of(4), 2);

  @Test
  void randomWeightsAreDeterministicAndWithinPyTorchDefaultBounds() {
    QNetworkSpec spec = QNetworkSpec.nips2013(6).withDueling(true);
    QNetworkWeights a = QNetworkWeights.random(spec, 7);
    QNetworkWeights b = QNetworkWeights.random(spec, 7);
    QNetworkWeights c = QNetworkWeights.random(spec, 8);
    for (ParameterSpec p : spec.parameters()) {
      assertArrayEquals(a.get(p.name()), b.get(p.name()), p.name());
      assertFalse(java.util.Arrays.equals(a.get(p.name()), c.get(p.name())), p.name());
    }
    assertEquals(a.sha256(), b.sha256());
    assertNotEquals(a.sha256(), c.sha256());

    // conv1: fan_in 4·8·8 = 256 → ±1/16; value.fc: fan_in 2592.
    assertWithin(a.get("conv1.weight"), 1.0 / 16);
    assertWithin(a.get("conv1.bias"), 1.0 / 16);
    assertWithin(a.get("value.fc.weight"), 1.0 / Math.sqrt(2592));
    assertWithin(a.get("advantage.out.bias"), 1.0 / Math.sqrt(256));
  }

  private static void assertWithin(float[] values, double bound) {
    double maxAbs = 0;
    for (float v : values) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assertTrue(maxAbs <= bound, "max |w| " + maxAbs + " > " + bound);
    // Uniform over the whole range, not squeezed near zero.
    assertTrue(maxAbs > 0.5 * bound, "max |w| " + maxAbs + " for bound " + bound);
  }

  @Test
  void ofCopiesAndKeepsCanonicalOrder() {
    float[] w1 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Map<String, float[]> params = new java.util.HashMap<>(Map.of(
        "out.bias", new float[] {0.5f, -0.5f},
        "fc1.weight", w1,
        "fc1.bias", new float[4],
        "out.weight", new float[8]));
    QNetworkWeights weights = QNetworkWeights.of(SMALL, params);
    w1[0] = 99;
    assertEquals(1f, weights.get("fc1.weight")[0]);
    weights.get("fc1.weight")[1] = 99;
    assertEquals(2f, weights.get("fc1.weight")[1]);
    assertEquals(List.of("fc1.weight", "fc1.bias", "out.weight", "out.bias"), List.copyOf(weights.toMap().keySet()));
  }

  @Test
  void sha256CoversTheLittleEndianBytesInCanonicalOrder() throws Exception {
    QNetworkWeights weights = QNetworkWeights.random(SMALL, 1);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (ParameterSpec p : SMALL.parameters()) {
      float[] v = weights.get(p.name());
      ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : v) {
        buf.putFloat(f);
      }
      assertArrayEquals(buf.array(), weights.rawBytes(p.name()));
      digest.update(buf.array());
    }
    assertEquals(HexFormat.of().formatHex(digest.digest()), weights.sha256());
  }

  @Test
  void wrongWeightsAreRefusedNamingTheParameter() {
    Map<String, float[]> good = QNetworkWeights.random(SMALL, 1).toMap();

    Map<String, float[]> missing = new java.util.HashMap<>(good);
    missing.remove("out.weight");
    refused("missing parameter 'out.weight' [2, 4] for " + SMALL, () -> QNetworkWeights.of(SMALL, missing));

    Map<String, float[]> extra = new java.util.HashMap<>(good);
    extra.put("fc2.weight", new float[1]);
    refused("unknown parameter 'fc2.weight' for " + SMALL
        + "; expected names: [fc1.weight, fc1.bias, out.weight, out.bias]", () -> QNetworkWeights.of(SMALL, extra));

    Map<String, float[]> wrongSize = new java.util.HashMap<>(good);
    wrongSize.put("fc1.weight", new float[13]);
    refused("parameter 'fc1.weight' has 13 values; shape [4, 3] needs 12",
        () -> QNetworkWeights.of(SMALL, wrongSize));

    Map<String, float[]> nan = new java.util.HashMap<>(good);
    nan.put("out.bias", new float[] {0f, Float.NaN});
    refused("parameter 'out.bias' holds NaN at index 1", () -> QNetworkWeights.of(SMALL, nan));

    refused("network " + SMALL + " has no parameter 'conv1.weight'",
        () -> QNetworkWeights.random(SMALL, 1).get("conv1.weight"));
  }
}
