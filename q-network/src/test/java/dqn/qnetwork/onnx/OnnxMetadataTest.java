package dqn.qnetwork.onnx;

import static dqn.qnetwork.Expect.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.qnetwork.ParameterSpec;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.proto.ModelProto;
import dqn.qnetwork.onnx.proto.OperatorSetIdProto;
import dqn.qnetwork.onnx.proto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxMetadataTest {

  private static final QNetworkSpec PONG = QNetworkSpec.nips2013(6).withDueling(true);
  private static final Map<String, String> SNAPSHOT = Map.of(
      OnnxMetadata.GAME, "ALE/Pong-v5",
      OnnxMetadata.ACTION_MEANINGS, "NOOP,FIRE,RIGHT,LEFT,RIGHTFIRE,LEFTFIRE",
      OnnxMetadata.UPDATE_STEP, "12500",
      OnnxMetadata.ENV_FRAMES, "400000",
      OnnxMetadata.CREATED_UNIX_MS, "1763900000000",
      "run.id", "pong-a");

  @Test
  void metadataRoundTripsThroughTheFileAndOnnxRuntime() throws Exception {
    QNetworkWeights weights = QNetworkWeights.random(PONG, 3);
    byte[] onnx = OnnxQNetworkWriter.write(weights, SNAPSHOT);
    Map<String, String> read = OnnxMetadata.read(onnx);

    SNAPSHOT.forEach((k, v) -> assertEquals(v, read.get(k), k));
    assertEquals("nips_2013", read.get(OnnxMetadata.NETWORK));
    assertEquals("true", read.get(OnnxMetadata.DUELING));
    assertEquals("6", read.get(OnnxMetadata.NUM_ACTIONS));
    assertEquals("uint8", read.get(OnnxMetadata.INPUT_DTYPE));
    assertEquals("4,84,84", read.get(OnnxMetadata.INPUT_SHAPE));
    assertEquals("255.0", read.get(OnnxMetadata.INPUT_DIVISOR));
    assertEquals("256", read.get(OnnxMetadata.HIDDEN_SIZES));
    assertEquals(weights.sha256(), read.get(OnnxMetadata.WEIGHTS_SHA256));
    assertEquals(SNAPSHOT.size() + OnnxMetadata.WRITER_KEYS.size(), read.size());
    assertEquals(List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"), OnnxMetadata.actionMeanings(read));
    assertEquals(PONG, OnnxMetadata.spec(read));

    try (OrtModel model = new OrtModel(onnx)) {
      assertEquals(read, model.session.getMetadata().getCustomMetadata());
      assertEquals(OnnxQNetworkWriter.PRODUCER_NAME, model.session.getMetadata().getProducerName());
    }
  }

  @Test
  void everyVariantDescribesItsOwnSpec() {
    for (QNetworkSpec spec : TestNetworks.all()) {
      byte[] onnx = OnnxQNetworkWriter.write(QNetworkWeights.random(spec, 1), Map.of());
      assertEquals(spec, OnnxMetadata.spec(OnnxMetadata.read(onnx)), spec.toString());
    }
  }

  @Test
  void weightsHashIsTheHashOfTheInitializersAsWritten() throws Exception {
    QNetworkWeights weights = QNetworkWeights.random(PONG, 5);
    ModelProto model = ModelProto.parseFrom(OnnxQNetworkWriter.write(weights, SNAPSHOT));
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    List<String> names = model.getGraph().getInitializerList().stream()
        .filter(t -> !t.getName().equals(OnnxQNetworkWriter.DIVISOR_NAME))
        .map(TensorProto::getName).toList();
    assertEquals(PONG.parameters().stream().map(ParameterSpec::name).toList(), names);
    for (TensorProto t : model.getGraph().getInitializerList()) {
      if (!t.getName().equals(OnnxQNetworkWriter.DIVISOR_NAME)) {
        assertEquals(PONG.parameter(t.getName()).shape().stream().map(Integer::longValue).toList(), t.getDimsList());
        digest.update(t.getRawData().toByteArray());
      }
    }
    assertEquals(HexFormat.of().formatHex(digest.digest()), model.getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(OnnxMetadata.WEIGHTS_SHA256)).findFirst().orElseThrow().getValue());

    Map<String, float[]> changed = weights.toMap();
    changed.get("advantage.out.bias")[5] += 1e-3f;
    assertNotEquals(weights.sha256(), QNetworkWeights.of(PONG, changed).sha256());
  }

  @Test
  void writtenFileIsTheSameModelAndHashesLikeTheBytes(@TempDir Path dir) throws Exception {
    QNetworkWeights weights = QNetworkWeights.random(PONG, 9);
    Path file = dir.resolve("snapshots/pong-12500.onnx");
    OnnxQNetworkWriter.write(weights, SNAPSHOT, file);
    byte[] bytes = OnnxQNetworkWriter.write(weights, SNAPSHOT);
    assertArrayEquals(bytes, Files.readAllBytes(file));
    assertEquals(OnnxMetadata.sha256Hex(bytes), OnnxMetadata.sha256Hex(file));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
        OnnxMetadata.sha256Hex(file));
    assertEquals(OnnxMetadata.read(bytes), OnnxMetadata.read(file));
    try (var listing = Files.list(file.getParent())) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void creationTimeDefaultsToNow() {
    long before = System.currentTimeMillis();
    Map<String, String> read = OnnxMetadata.read(OnnxQNetworkWriter.write(QNetworkWeights.random(PONG, 1), Map.of()));
    long created = Long.parseLong(read.get(OnnxMetadata.CREATED_UNIX_MS));
    assertTrue(created >= before && created <= System.currentTimeMillis(), "created " + created);
    assertFalse(read.containsKey(OnnxMetadata.GAME));
  }

  @Test
  void invalidMetadataIsRefused() {
    QNetworkWeights weights = QNetworkWeights.random(PONG, 1);
    refused("metadata dqn.network=nature_2015 contradicts the network (nips_2013); leave it out, the writer sets it",
        () -> OnnxQNetworkWriter.write(weights, Map.of(OnnxMetadata.NETWORK, "nature_2015")));
    refused("dqn.action_meanings names 2 actions [NOOP, FIRE] but the network has 6",
        () -> OnnxQNetworkWriter.write(weights, Map.of(OnnxMetadata.ACTION_MEANINGS, "NOOP,FIRE")));
    refused("metadata dqn.update_step must be >= 0, got -1",
        () -> OnnxQNetworkWriter.write(weights, Map.of(OnnxMetadata.UPDATE_STEP, "-1")));
    refused("metadata dqn.env_frames must be a whole number, got '1e6'",
        () -> OnnxQNetworkWriter.write(weights, Map.of(OnnxMetadata.ENV_FRAMES, "1e6")));
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put(OnnxMetadata.GAME, null);
    refused("metadata keys must be non-empty and values non-null, got dqn.game=null",
        () -> OnnxQNetworkWriter.write(weights, nullValue));
    // Agreeing with the writer is allowed.
    assertEquals("true", OnnxMetadata.read(OnnxQNetworkWriter.write(weights, Map.of(OnnxMetadata.DUELING, "true")))
        .get(OnnxMetadata.DUELING));
  }

  @Test
  void bytesThatAreNotAnOnnxModelAreRefused() {
    IllegalArgumentException garbage = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OnnxMetadata.read(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}));
    assertTrue(garbage.getMessage().startsWith("not an ONNX model: "), garbage.getMessage());
    refused("not an ONNX model: no ir_version or no graph", () -> OnnxMetadata.read(new byte[0]));
    refused("not an ONNX model: no ir_version or no graph",
        () -> OnnxMetadata.read(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13).build().toByteArray()));
  }

  @Test
  void specFromIncompleteOrWrongMetadataIsRefused() {
    Map<String, String> meta = new HashMap<>(OnnxMetadata.read(
        OnnxQNetworkWriter.write(QNetworkWeights.random(PONG, 1), Map.of())));
    meta.put(OnnxMetadata.HIDDEN_SIZES, "512");
    refused("dqn.hidden_sizes of nips_2013 must be [256], got [512]", () -> OnnxMetadata.spec(meta));
    meta.put(OnnxMetadata.INPUT_SHAPE, "4,84");
    refused("dqn.input_shape of nips_2013 must be C,H,W, got 4,84", () -> OnnxMetadata.spec(meta));
    meta.put(OnnxMetadata.NUM_ACTIONS, "six");
    refused("dqn.num_actions is not an integer: 'six'", () -> OnnxMetadata.spec(meta));
    meta.remove(OnnxMetadata.NETWORK);
    refused("metadata has no dqn.network", () -> OnnxMetadata.spec(meta));
  }
}
