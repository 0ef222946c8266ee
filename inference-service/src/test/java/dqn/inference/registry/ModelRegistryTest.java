package dqn.inference.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.inference.TestModels;
import dqn.inference.model.InvalidModelException;
import dqn.inference.model.QModel;
import dqn.inference.ort.ExecutionProvider;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.qnetwork.onnx.OnnxMetadata;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  static final OrtModelLoader LOADER =
      new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false));
  static final int FRAME_BYTES = 4 * 84 * 84;

  @TempDir Path dir;
  ModelRegistry registry;

  ModelRegistry open(int keep) {
    registry = ModelRegistry.open(dir, LOADER, keep, 10_000_000, Clock.systemUTC());
    return registry;
  }

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  static VersionView upload(ModelRegistry registry, String model, byte[] onnx, boolean makeLive) {
    return upload(
        registry,
        new UploadSpec(
            model, makeLive, onnx.length, OnnxMetadata.sha256Hex(onnx), Map.of("source", "test")),
        onnx);
  }

  static VersionView upload(ModelRegistry registry, UploadSpec spec, byte[] onnx) {
    try (ModelUpload upload = registry.beginUpload(spec)) {
      for (int offset = 0; offset < onnx.length; offset += 65536) {
        upload.append(ByteBuffer.wrap(onnx, offset, Math.min(65536, onnx.length - offset)));
      }
      return upload.commit();
    }
  }

  static long liveVersion(ModelRegistry registry, String model) {
    try (ModelLease lease = registry.lease(model, 0)) {
      return lease.version();
    }
  }

  @Test
  void firstVersionGoesLiveLaterOnesWhenAskedAndRollBackWorks() {
    open(5);
    VersionView first = upload(registry, "pong", TestModels.pongNips(1), false);
    assertEquals(1, first.stored().version());
    assertTrue(first.live());
    assertEquals(
        List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"), first.actionMeanings());
    assertEquals("test", first.properties().get("source"));
    assertEquals("ALE/Pong-v5", first.properties().get("dqn.game"));

    assertFalse(upload(registry, "pong", TestModels.pongNips(2), false).live());
    assertEquals(1, liveVersion(registry, "pong"));
    assertTrue(upload(registry, "pong", TestModels.pongNips(3), true).live());
    assertEquals(3, liveVersion(registry, "pong"));

    ModelSummary summary = registry.list().get(0);
    assertEquals(3, summary.liveVersion());
    assertEquals(
        List.of(3L, 2L, 1L), summary.versions().stream().map(v -> v.stored().version()).toList());
    assertEquals(
        List.of(true, false, false), summary.versions().stream().map(VersionView::live).toList());

    assertTrue(registry.setLive("pong", 1).live());
    assertEquals(1, liveVersion(registry, "pong"));
    assertEquals(1, registry.describe("pong", 0).stored().version());
    assertFalse(registry.describe("pong", 3).live());
  }

  @Test
  void keepsTheNewestVersionsAndTheLiveOne() throws Exception {
    open(2);
    upload(registry, "pong", TestModels.pongNips(1), true);
    for (int seed = 2; seed <= 4; seed++) {
      upload(registry, "pong", TestModels.pongNips(seed), false);
    }
    assertEquals(List.of(4L, 3L, 1L), versions("pong"));
    assertEquals(
        Set.of(
            "live",
            "v1.onnx",
            "v1.properties",
            "v3.onnx",
            "v3.properties",
            "v4.onnx",
            "v4.properties"),
        filesOf("pong"));

    registry.setLive("pong", 4);
    assertEquals(List.of(4L, 3L), versions("pong"));
    assertThrows(ModelNotFoundException.class, () -> registry.lease("pong", 1));
  }

  @Test
  void afterARestartEachModelServesItsLiveVersionAgain() throws Exception {
    open(5);
    upload(registry, "pong", TestModels.pongNips(1), true);
    upload(registry, "pong", TestModels.pongNips(2), true);
    upload(registry, "cartpole", TestModels.onnx(TestModels.mlp(4, 2, 1)), true);
    registry.setLive("pong", 1);
    registry.close();

    open(5);
    assertEquals(1, liveVersion(registry, "pong"));
    assertEquals(List.of(2L, 1L), versions("pong"));
    assertEquals(1, liveVersion(registry, "cartpole"));
    assertEquals("test", registry.describe("pong", 2).properties().get("source"));
    assertEquals(3, upload(registry, "pong", TestModels.pongNips(3), false).stored().version());
  }

  @Test
  void uploadsWhoseBytesDoNotMatchTheirHeaderAreRefusedAndLeaveNothingBehind() throws Exception {
    open(5);
    byte[] onnx = TestModels.pongNips(1);
    upload(registry, "pong", onnx, true);
    Set<String> before = filesOf("pong");

    byte[] longer = new byte[onnx.length + 10];
    System.arraycopy(onnx, 0, longer, 0, onnx.length);
    InvalidUploadException tooMany =
        assertThrows(
            InvalidUploadException.class,
            () ->
                upload(registry, new UploadSpec("pong", true, onnx.length, "", Map.of()), longer));
    assertTrue(tooMany.getMessage().contains("more than the " + onnx.length), tooMany.getMessage());

    InvalidUploadException tooFew =
        assertThrows(
            InvalidUploadException.class,
            () ->
                upload(
                    registry, new UploadSpec("pong", true, onnx.length + 1, "", Map.of()), onnx));
    assertTrue(tooFew.getMessage().contains("ended after " + onnx.length), tooFew.getMessage());

    String wrongSha = "0".repeat(64);
    InvalidUploadException badSha =
        assertThrows(
            InvalidUploadException.class,
            () ->
                upload(
                    registry, new UploadSpec("pong", true, onnx.length, wrongSha, Map.of()), onnx));
    assertTrue(badSha.getMessage().contains(OnnxMetadata.sha256Hex(onnx)), badSha.getMessage());

    byte[] big = new byte[ModelUpload.MAX_CHUNK_BYTES + 1];
    try (ModelUpload upload =
        registry.beginUpload(new UploadSpec("pong", true, big.length, "", Map.of()))) {
      upload.append(ByteBuffer.wrap(big, 0, ModelUpload.MAX_CHUNK_BYTES));
      InvalidUploadException bigChunk =
          assertThrows(InvalidUploadException.class, () -> upload.append(ByteBuffer.wrap(big)));
      assertTrue(
          bigChunk.getMessage().contains("at most 1048576 bytes (1 MiB)")
              && bigChunk.getMessage().contains("one of 1048577 bytes"),
          bigChunk.getMessage());
    }

    assertThrows(
        InvalidUploadException.class,
        () -> registry.beginUpload(new UploadSpec("pong", true, 10, "xyz", Map.of())));
    assertThrows(
        InvalidUploadException.class,
        () -> registry.beginUpload(new UploadSpec("../etc", true, 10, "", Map.of())));
    assertThrows(
        InvalidUploadException.class,
        () -> registry.beginUpload(new UploadSpec("pong", true, 0, "", Map.of())));
    UploadTooLargeException large =
        assertThrows(
            UploadTooLargeException.class,
            () -> registry.beginUpload(new UploadSpec("pong", true, 10_000_001, "", Map.of())));
    assertTrue(
        large.getMessage().contains("dqn.inference.registry.max-upload-bytes"), large.getMessage());

    assertEquals(before, filesOf("pong"));
    assertEquals(List.of(1L), versions("pong"));
  }

  @Test
  void anInvalidModelIsRefusedWhileTheLiveVersionKeepsServing() throws Exception {
    open(5);
    upload(registry, "pong", TestModels.pongNips(1), true);
    byte[] notOnnx = "definitely not protobuf".getBytes();
    assertThrows(InvalidModelException.class, () -> upload(registry, "pong", notOnnx, true));
    byte[] wrongSignature = TestModels.withFixedBatch(TestModels.nips(6, 1));
    assertThrows(InvalidModelException.class, () -> upload(registry, "pong", wrongSignature, true));

    assertEquals(1, liveVersion(registry, "pong"));
    assertEquals(List.of(1L), versions("pong"));
    assertFalse(filesOf("pong").stream().anyMatch(f -> f.endsWith(".part")));
    assertEquals(2, upload(registry, "pong", TestModels.pongNips(2), true).stored().version());
  }

  @Test
  void unknownModelsAndVersionsAreNamedInTheError() {
    open(5);
    upload(registry, "pong", TestModels.pongNips(1), true);
    ModelNotFoundException model =
        assertThrows(ModelNotFoundException.class, () -> registry.lease("breakout", 0));
    assertTrue(
        model.getMessage().contains("'breakout'") && model.getMessage().contains("[pong]"),
        model.getMessage());
    ModelNotFoundException version =
        assertThrows(ModelNotFoundException.class, () -> registry.setLive("pong", 7));
    assertTrue(
        version.getMessage().contains("no version 7; stored versions: [1]"), version.getMessage());
    // Requests that cannot name anything are the caller's mistake, not a missing model.
    assertThrows(IllegalArgumentException.class, () -> registry.describe("", 0));
    assertThrows(IllegalArgumentException.class, () -> registry.describe("pong", -1));
    assertThrows(IllegalArgumentException.class, () -> registry.setLive("pong", 0));
    assertThrows(IllegalArgumentException.class, () -> registry.setLive("", 1));
  }

  @Test
  void aLeaseKeepsAnEvictedVersionRunnableUntilItIsClosed() {
    open(1);
    upload(registry, "pong", TestModels.pongNips(1), true);
    upload(registry, "pong", TestModels.pongNips(2), false);
    ModelLease lease = registry.lease("pong", 2);
    QModel held = lease.model();
    upload(registry, "pong", TestModels.pongNips(3), false);
    assertThrows(ModelNotFoundException.class, () -> registry.lease("pong", 2));

    assertEquals(6, held.forward(List.of(ByteBuffer.allocate(FRAME_BYTES)), 1).length);
    lease.close();
    assertThrows(
        IllegalStateException.class,
        () -> held.forward(List.of(ByteBuffer.allocate(FRAME_BYTES)), 1));
  }

  @Test
  void swappingTheLiveVersionUnderLoadFailsNoRequest() throws Exception {
    open(2);
    upload(registry, "pong", TestModels.pongNips(1), true);
    AtomicBoolean swapping = new AtomicBoolean(true);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<Long> versionsSeen = ConcurrentHashMap.newKeySet();
    AtomicLong answered = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread client =
          new Thread(
              () -> {
                while (swapping.get()) {
                  try (ModelLease lease = registry.lease("pong", 0)) {
                    lease.model().forward(List.of(ByteBuffer.allocate(FRAME_BYTES)), 1);
                    versionsSeen.add(lease.version());
                    answered.incrementAndGet();
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }
              });
      client.start();
      clients.add(client);
    }
    for (int seed = 2; seed <= 7; seed++) {
      upload(registry, "pong", TestModels.pongNips(seed), true);
    }
    swapping.set(false);
    for (Thread client : clients) {
      client.join();
    }
    assertEquals(List.of(), failures);
    assertTrue(answered.get() > 0);
    assertTrue(versionsSeen.size() >= 2, "versions seen: " + versionsSeen);
    assertEquals(List.of(7L, 6L), versions("pong"));
  }

  private List<Long> versions(String model) {
    return registry.list().stream()
        .filter(s -> s.model().equals(model))
        .findFirst()
        .orElseThrow()
        .versions()
        .stream()
        .map(v -> v.stored().version())
        .toList();
  }

  private Set<String> filesOf(String model) throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve(model))) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
