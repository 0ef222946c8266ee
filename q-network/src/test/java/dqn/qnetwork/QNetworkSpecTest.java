package dqn.qnetwork;

import static dqn.qnetwork.Expect.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QNetworkSpecTest {

  private static String layout(QNetworkSpec spec) {
    return spec.parameters().stream().map(p -> p.name() + p.shape()).collect(Collectors.joining(" "));
  }

  @Test
  void nipsHasTheLayersOfThePaperAndPyTorchParameterShapes() {
    QNetworkSpec spec = QNetworkSpec.nips2013(6);
    assertEquals(List.of(new ConvLayer("conv1", 4, 16, 8, 4, 84, 84, 20, 20),
        new ConvLayer("conv2", 16, 32, 4, 2, 20, 20, 9, 9)), spec.convLayers());
    assertEquals(32 * 9 * 9, spec.flattenedSize());
    assertEquals("conv1.weight[16, 4, 8, 8] conv1.bias[16] conv2.weight[32, 16, 4, 4] conv2.bias[32]"
        + " fc1.weight[256, 2592] fc1.bias[256] out.weight[6, 256] out.bias[6]", layout(spec));
    assertEquals(InputType.UINT8, spec.inputType());
    assertEquals(255f, spec.inputDivisor());
    assertEquals(4 * 84 * 84, spec.observationSize());
    // PyTorch's count for this network with 6 actions.
    assertEquals(16 * 4 * 64 + 16 + 32 * 16 * 16 + 32 + 256 * 2592 + 256 + 6 * 256 + 6, spec.parameterCount());
  }

  @Test
  void natureFlattensSevenBySevenBySixtyFour() {
    QNetworkSpec spec = QNetworkSpec.nature2015(4);
    assertEquals(3, spec.convLayers().size());
    ConvLayer last = spec.convLayers().get(2);
    assertEquals(7, last.outputHeight());
    assertEquals(7, last.outputWidth());
    assertEquals(64, last.outChannels());
    assertEquals(3136, spec.flattenedSize());
    assertEquals("conv1.weight[32, 4, 8, 8] conv1.bias[32] conv2.weight[64, 32, 4, 4] conv2.bias[64]"
        + " conv3.weight[64, 64, 3, 3] conv3.bias[64] fc1.weight[512, 3136] fc1.bias[512]"
        + " out.weight[4, 512] out.bias[4]", layout(spec));
  }

  @Test
  void duelingSplitsTheLastHiddenLayerIntoValueAndAdvantageStreams() {
    QNetworkSpec spec = QNetworkSpec.nature2015(4).withDueling(true);
    assertTrue(spec.trunkLayers().isEmpty());
    assertEquals("conv1.weight[32, 4, 8, 8] conv1.bias[32] conv2.weight[64, 32, 4, 4] conv2.bias[64]"
        + " conv3.weight[64, 64, 3, 3] conv3.bias[64]"
        + " value.fc.weight[512, 3136] value.fc.bias[512] value.out.weight[1, 512] value.out.bias[1]"
        + " advantage.fc.weight[512, 3136] advantage.fc.bias[512]"
        + " advantage.out.weight[4, 512] advantage.out.bias[4]", layout(spec));

    QNetworkSpec mlp = QNetworkSpec.mlp(8, List.of(64, 32), 3).withDueling(true);
    assertEquals("fc1.weight[64, 8] fc1.bias[64] value.fc.weight[32, 64] value.fc.bias[32]"
        + " value.out.weight[1, 32] value.out.bias[1] advantage.fc.weight[32, 64] advantage.fc.bias[32]"
        + " advantage.out.weight[3, 32] advantage.out.bias[3]", layout(mlp));
  }

  @Test
  void mlpTakesFloatInputUnscaledByDefault() {
    QNetworkSpec spec = QNetworkSpec.mlp(4, List.of(16, 16), 2);
    assertEquals(InputType.FLOAT32, spec.inputType());
    assertEquals(1f, spec.inputDivisor());
    assertTrue(spec.convLayers().isEmpty());
    assertEquals(4, spec.flattenedSize());
    assertEquals("fc1.weight[16, 4] fc1.bias[16] fc2.weight[16, 16] fc2.bias[16] out.weight[2, 16] out.bias[2]",
        layout(spec));
  }

  @Test
  void otherInputShapesChangeTheComputedSizes() {
    QNetworkSpec spec = QNetworkSpec.nips2013(3).withInputShape(1, 100, 60);
    ConvLayer conv2 = spec.convLayers().get(1);
    // 100 → 24 → 11, 60 → 14 → 6
    assertEquals(11, conv2.outputHeight());
    assertEquals(6, conv2.outputWidth());
    assertEquals(32 * 11 * 6, spec.flattenedSize());
    assertEquals(List.of(16, 1, 8, 8), spec.parameter("conv1.weight").shape());
  }

  @Test
  void specsAreValues() {
    assertEquals(QNetworkSpec.nature2015(6).withDueling(true), QNetworkSpec.nature2015(6).withDueling(true));
    assertEquals(QNetworkSpec.nature2015(6).hashCode(), QNetworkSpec.nature2015(6).hashCode());
    assertNotEquals(QNetworkSpec.nature2015(6), QNetworkSpec.nature2015(6).withDueling(true));
    assertNotEquals(QNetworkSpec.nature2015(6), QNetworkSpec.nips2013(6));
    assertEquals("nature_2015(uint8[4,84,84]/255.0, hidden [512], dueling, 6 actions)",
        QNetworkSpec.nature2015(6).withDueling(true).toString());
  }

  @Test
  void impossibleNetworksAreRefusedWithAClearMessage() {
    refused("numActions must be at least 1, got 0", () -> QNetworkSpec.nips2013(0));
    refused("numActions must be at least 1, got -2", () -> QNetworkSpec.mlp(4, List.of(8), -2));
    refused("input 30x30 is too small for nature_2015: conv3 (3x3 stride 1) would see only 2x2",
        () -> QNetworkSpec.nature2015(4).withInputShape(4, 30, 30));
    refused("input 84x6 is too small for nips_2013: conv1 (8x8 stride 4) would see only 84x6",
        () -> QNetworkSpec.nips2013(4).withInputShape(4, 84, 6));
    refused("observation shape [0, 84, 84] has a dimension < 1",
        () -> QNetworkSpec.nips2013(4).withInputShape(0, 84, 84));
    refused("at least one hidden layer is required", () -> QNetworkSpec.mlp(4, List.of(), 2));
    refused("hidden layer 2 must have at least 1 unit, got 0", () -> QNetworkSpec.mlp(4, List.of(8, 0), 2));
    refused("observation shape [0] has a dimension < 1", () -> QNetworkSpec.mlp(0, List.of(8), 2));
    refused("inputDivisor must be a finite number > 0, got 0.0",
        () -> QNetworkSpec.nips2013(4).withInput(InputType.UINT8, 0f));
    refused("inputDivisor must be a finite number > 0, got NaN",
        () -> QNetworkSpec.mlp(4, List.of(8), 2).withInput(InputType.FLOAT32, Float.NaN));
    refused("an mlp takes a flat input; give its size to QNetworkSpec.mlp",
        () -> QNetworkSpec.mlp(4, List.of(8), 2).withInputShape(1, 2, 2));
    refused("mlp is not an Atari network; use QNetworkSpec.mlp", () -> QNetworkSpec.atari(Architecture.MLP, 2));
    refused("unknown network 'resnet'; expected one of nips_2013, nature_2015, mlp",
        () -> Architecture.fromId("resnet"));
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
        () -> QNetworkSpec.mlp(100_000, List.of(100_000), 2));
    assertTrue(tooBig.getMessage().contains("fit in one ONNX file"), tooBig.getMessage());
    IllegalArgumentException noSuch = assertThrows(IllegalArgumentException.class,
        () -> QNetworkSpec.nips2013(4).parameter("conv3.weight"));
    assertTrue(noSuch.getMessage().contains("no parameter 'conv3.weight'"), noSuch.getMessage());
  }

}
