package dqn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dqn.launcher.FreePorts;
import dqn.testkit.GrpcProbe;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images scripts/images.sh builds (with buildah, no daemon) start and serve: each OCI archive
 * is unpacked, and its entrypoint, environment, working directory and user are run as a container
 * runtime would, on a read-only root with tmpfs only at /tmp and the image's volumes, until the
 * gRPC health service answers SERVING. The learner finds the env-service image's games first, as
 * in the cluster. Needs root (namespaces, mounts) and what scripts/setup.sh installs.
 */
class ImagesIT {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration SERVING_TIMEOUT = Duration.ofMinutes(3);
  private static final Path WORK = Repository.path("deploy/target/images-it");

  @BeforeAll
  static void buildImages() throws IOException {
    // buildah's store and the namespaces and mounts below are root's, as on CI.
    assertEquals("0", Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1],
        "ImagesIT needs root: run it as root, as CI does");
    long started = System.nanoTime();
    Repository.Result build = Repository.run(BUILD_TIMEOUT, List.of(Repository.path("scripts/images.sh").toString()));
    assertEquals(0, build.exitCode(), "scripts/images.sh failed:\n" + build.output());
    System.out.printf("scripts/images.sh: %d s%n%s", Duration.ofNanos(System.nanoTime() - started).toSeconds(), build.output());
  }

  /** The unpacked root filesystems take 1.5 GB; the logs stay. */
  @AfterAll
  static void removeRootFilesystems() throws IOException {
    for (String service : Repository.SERVICES) {
      deleteTree(WORK.resolve(service));
    }
  }

  private static Path archive(String service) {
    return Repository.path("target/images/" + service + ".oci.tar");
  }

  @Test
  void eachArchiveHoldsTheImageTheManifestsRun() {
    Rendered base = Rendered.of("k8s/base");
    for (String service : Repository.SERVICES) {
      Image image = Image.unpack(archive(service), WORK.resolve(service));
      String expected = "dqn/" + service + ":" + Repository.version();
      assertEquals(expected, image.name(), service);
      assertEquals(expected, Manifests.container(base.workload(service)).getImage(), service);
      assertEquals("1001:1001", image.user(), service);
    }
  }

  @Test
  void everyImageStartsAsItsUserOnAReadOnlyRootAndServes() throws Exception {
    List<Container> containers = new ArrayList<>();
    try {
      Container env = Container.start("env-service", Map.of());
      containers.add(env);
      Container replay = Container.start("replay-service", Map.of());
      containers.add(replay);
      Container inference = Container.start("inference-service", Map.of());
      containers.add(inference);
      // The learner opens its port only after the env-service listed its games.
      Container learner = Container.start("learner-service", Map.of(
          "DQN_LEARNER_ENV_TARGET", "127.0.0.1:" + env.port,
          "DQN_LEARNER_REPLAY_TARGET", "127.0.0.1:" + replay.port,
          "DQN_LEARNER_INFERENCE_TARGET", "127.0.0.1:" + inference.port));
      containers.add(learner);
      for (Container container : containers) {
        container.awaitServing();
        container.assertRunsAsItsUserOnAReadOnlyRoot();
      }
      // libtorch came ready in the image: loading it wrote nothing (the root is read-only).
      learner.awaitLog("libtorch 2.7.1 on cpu");
    } finally {
      for (Container container : containers) {
        container.stop();
      }
    }
  }

  /** An unpacked OCI image: its root filesystem and the settings a runtime starts it with. */
  record Image(String name, Path rootfs, String user, List<String> command, Map<String, String> env, String workingDir, List<String> volumes) {

    static Image unpack(Path archive, Path directory) {
      try {
        deleteTree(directory);
        Path layout = directory.resolve("layout");
        Path rootfs = directory.resolve("rootfs");
        Files.createDirectories(layout);
        Files.createDirectories(rootfs);
        tar(List.of("tar", "-xf", archive.toString(), "-C", layout.toString()));
        JsonObject index = json(layout.resolve("index.json"));
        JsonObject entry = index.getAsJsonArray("manifests").get(0).getAsJsonObject();
        String name = entry.getAsJsonObject("annotations").get("org.opencontainers.image.ref.name").getAsString();
        JsonObject manifest = json(blob(layout, entry.get("digest").getAsString()));
        for (JsonElement layer : manifest.getAsJsonArray("layers")) {
          Path blob = blob(layout, layer.getAsJsonObject().get("digest").getAsString());
          String listing = tar(List.of("tar", "-tzf", blob.toString()));
          assertTrue(listing.lines().noneMatch(path -> path.contains(".wh.")), "layer deletes files: not expected of these builds");
          // As root, tar keeps the layer's owners (/var/lib/dqn belongs to 1001).
          tar(List.of("tar", "-xzf", blob.toString(), "-C", rootfs.toString()));
        }
        JsonObject config = json(blob(layout, manifest.getAsJsonObject("config").get("digest").getAsString())).getAsJsonObject("config");
        List<String> command = new ArrayList<>(strings(config.getAsJsonArray("Entrypoint")));
        command.addAll(strings(config.getAsJsonArray("Cmd")));
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : strings(config.getAsJsonArray("Env"))) {
          env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        List<String> volumes = config.has("Volumes") && config.get("Volumes").isJsonObject()
            ? new ArrayList<>(config.getAsJsonObject("Volumes").keySet()) : List.of();
        String workingDir = config.has("WorkingDir") ? config.get("WorkingDir").getAsString() : "/";
        return new Image(name, rootfs, config.get("User").getAsString(), command, env, workingDir, volumes);
      } catch (IOException e) {
        throw new IllegalStateException("cannot unpack " + archive, e);
      }
    }

    private static Path blob(Path layout, String digest) {
      return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static JsonObject json(Path file) throws IOException {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static List<String> strings(JsonArray array) {
      List<String> values = new ArrayList<>();
      if (array != null) {
        array.forEach(value -> values.add(value.getAsString()));
      }
      return values;
    }

    private static String tar(List<String> command) {
      Repository.Result result = Repository.run(Duration.ofMinutes(5), command);
      assertEquals(0, result.exitCode(), command + ":\n" + result.output());
      return result.output();
    }
  }

  /** One image's entrypoint running in its root filesystem. */
  static final class Container {
    final String service;
    final int port;
    final Image image;
    final Process process;
    final Path log;

    private Container(String service, int port, Image image, Process process, Path log) {
      this.service = service;
      this.port = port;
      this.image = image;
      this.process = process;
      this.log = log;
    }

    /** Starts the image on a free loopback port; {@code overrides} go over the image's Env. */
    static Container start(String service, Map<String, String> overrides) throws IOException {
      Image image = Image.unpack(archive(service), WORK.resolve(service));
      String[] user = image.user().split(":");
      int port = FreePorts.pick();
      List<String> command = new ArrayList<>(List.of(
          "unshare", "--mount", "--pid", "--fork", "--kill-child",
          "sh", Repository.path("deploy/src/test/resources/start-in-rootfs.sh").toString(),
          image.rootfs().toString(), user[0], user[1], image.workingDir(), String.join(" ", image.volumes())));
      command.addAll(image.command());
      Path log = WORK.resolve(service + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().clear();
      builder.environment().putAll(image.env());
      // Loopback only: the test shares the machine's network.
      builder.environment().put("DQN_HOST", "127.0.0.1");
      builder.environment().put("DQN_PORT", Integer.toString(port));
      builder.environment().putAll(overrides);
      return new Container(service, port, image, builder.start(), log);
    }

    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    void awaitServing() throws InterruptedException {
      long deadline = System.nanoTime() + SERVING_TIMEOUT.toNanos();
      try (GrpcProbe probe = new GrpcProbe("127.0.0.1", port)) {
        while (System.nanoTime() < deadline) {
          assertTrue(process.isAlive(), service + " exited with " + (process.isAlive() ? "" : process.exitValue()) + ":\n" + output());
          try {
            if (probe.health() == ServingStatus.SERVING) {
              return;
            }
          } catch (RuntimeException notListeningYet) {
            // The port opens late in start-up.
          }
          Thread.sleep(250);
        }
      }
      throw new AssertionError(service + " not SERVING after " + SERVING_TIMEOUT + ":\n" + output());
    }

    void awaitLog(String text) throws InterruptedException {
      long deadline = System.nanoTime() + SERVING_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (output().contains(text)) {
          return;
        }
        Thread.sleep(250);
      }
      throw new AssertionError(service + " never logged \"" + text + "\":\n" + output());
    }

    /** The entrypoint's process, found among the namespace's processes by its executable. */
    private ProcessHandle entrypoint() {
      String executable = image.command().get(0);
      return process.toHandle().descendants()
          .filter(p -> p.info().command().map(c -> c.equals(image.rootfs() + executable) || c.equals(executable)).orElse(false))
          .findFirst()
          .orElseThrow(() -> new AssertionError(service + ": no process runs " + executable));
    }

    void assertRunsAsItsUserOnAReadOnlyRoot() throws IOException {
      ProcessHandle entrypoint = entrypoint();
      Path proc = Path.of("/proc", Long.toString(entrypoint.pid()));
      String[] user = image.user().split(":");
      List<String> status = Files.readAllLines(proc.resolve("status"));
      assertEquals("Uid:\t" + String.join("\t", user[0], user[0], user[0], user[0]), line(status, "Uid:"), service);
      assertEquals("Gid:\t" + String.join("\t", user[1], user[1], user[1], user[1]), line(status, "Gid:"), service);
      assertEquals("Groups:", line(status, "Groups:").trim(), service + ": supplementary groups");
      // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ...; "/" as the process sees it.
      Optional<String[]> root = Files.readAllLines(proc.resolve("mountinfo")).stream()
          .map(l -> l.split(" ")).filter(f -> f[4].equals("/")).reduce((first, last) -> last);
      assertTrue(root.isPresent(), service + ": no root mount");
      assertTrue(List.of(root.get()[5].split(",")).contains("ro"), service + ": root mounted " + root.get()[5]);
    }

    private static String line(List<String> status, String prefix) {
      return status.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    }

    void stop() throws InterruptedException {
      // SIGTERM to the service, which is its namespace's first process, then to unshare.
      process.toHandle().descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
