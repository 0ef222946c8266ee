package dqn.client.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Installs the Python package the way a user does (pip builds it, generating its gRPC code from
 * proto/), starts the packaged env-service and two inference-services (plain text; TLS with a
 * bearer token), and runs the package's pytest suite against them: the gymnasium checker and
 * parity with gymnasium's Atari preprocessing, a Python game with its own exported PyTorch model,
 * tokens and TLS, and the Python walkthrough of docs/inference-api.md, run as written.
 *
 * <p>Python is the project's test environment, {@code .cache/pyenv} (scripts/setup.sh); {@code
 * -Ddqn.python=/path/to/python} runs another with the same packages.
 */
class PythonClientIT {

  private static final String TOKEN = "python-client-it-token";
  private static final String KEY_STORE_PASSWORD = "changeit";
  private static final Duration PYTEST_LIMIT = Duration.ofMinutes(5);

  private final Path module = Path.of(System.getProperty("dqn.python.module")).toAbsolutePath();
  private final Path target = module.resolve("target");

  @Test
  void pythonPackageInstallsAndItsTestsPassAgainstTheServices() throws Exception {
    Path python = python();
    Path site = target.resolve("python-site");
    deleteTree(site);
    // --no-build-isolation: the build requirements (setuptools, grpcio-tools) come from the test
    // environment, so the install needs no package index.
    run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
            "--no-build-isolation", "--target", site.toString(), module.toString()),
        Map.of(), Duration.ofMinutes(2), "pip install");

    Path work = Files.createDirectories(target.resolve("python-it"));
    Path keyStore = work.resolve("server.p12");
    Path caPem = work.resolve("ca.pem");
    selfSignedCertificate(keyStore, caPem);
    int tlsPort = FreePorts.pick();
    try (ServiceProcess env =
            ServiceProcess.builder(jar("dqn.env-service.jar"))
                .property("dqn.env.sessions.workers", "2")
                .start();
        ServiceProcess inference =
            ServiceProcess.builder(jar("dqn.inference-service.jar"))
                .property("dqn.inference.registry.model-dir", Files.createTempDirectory(work, "models-").toString())
                .property("dqn.inference.runtime.intra-op-threads", "1")
                .start();
        ServiceProcess secure =
            ServiceProcess.builder(jar("dqn.inference-service.jar"))
                .property("dqn.inference.registry.model-dir", Files.createTempDirectory(work, "models-").toString())
                .property("dqn.inference.runtime.intra-op-threads", "1")
                .environment("DQN_INFERENCE_AUTH_TOKENS", TOKEN)
                .property("quarkus.http.ssl-port", Integer.toString(tlsPort))
                .property("quarkus.http.insecure-requests", "disabled")
                .property("quarkus.http.ssl.certificate.key-store-file", keyStore.toString())
                .property("quarkus.http.ssl.certificate.key-store-password", KEY_STORE_PASSWORD)
                .start()) {
      env.awaitServing(Duration.ofSeconds(90));
      inference.awaitServing(Duration.ofSeconds(90));
      awaitListening(secure, "https://127.0.0.1:" + tlsPort);

      String output =
          run(
              List.of(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                  "--durations=5", "tests"),
              Map.of(
                  "PYTHONPATH", site.toString(),
                  "DQN_ENV_TARGET", "127.0.0.1:" + env.port(),
                  "DQN_INFERENCE_TARGET", "127.0.0.1:" + inference.port(),
                  "DQN_INFERENCE_TLS_TARGET", "localhost:" + tlsPort,
                  "DQN_INFERENCE_TLS_CA", caPem.toString(),
                  "DQN_INFERENCE_TLS_TOKEN", TOKEN),
              PYTEST_LIMIT,
              "pytest");
      assertTrue(output.contains(" passed"), output);
    }
  }

  /** Runs a command in the module folder, prints its output, and fails unless it exits 0. */
  private String run(List<String> command, Map<String, String> environment, Duration limit, String what)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Path log = Files.createDirectories(target.resolve("it-logs")).resolve(what.replace(' ', '-') + ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    boolean ended = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("--- " + what + " (" + String.join(" ", command) + ")\n" + output);
    if (!ended) {
      fail(what + " did not finish within " + limit.toSeconds() + " s:\n" + output);
    }
    assertEquals(0, process.exitValue(), () -> what + " failed:\n" + output);
    return output;
  }

  private Path python() {
    String configured = System.getProperty("dqn.python");
    Path python =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : module.resolve("../../.cache/pyenv/bin/python").normalize();
    if (!Files.isExecutable(python)) {
      fail("no test Python at " + python + ": run scripts/setup.sh (it builds .cache/pyenv from"
          + " python/requirements-test.txt), or pass -Ddqn.python=<python with those packages>");
    }
    return python;
  }

  private static Path jar(String property) {
    Path jar = Path.of(System.getProperty(property));
    if (!Files.isRegularFile(jar)) {
      fail(jar + " is missing: package the services first (mvn -pl clients/python -am verify)");
    }
    return jar;
  }

  /** Waits for Quarkus's start line: the TLS-only service has no plain-text health to probe. */
  private static void awaitListening(ServiceProcess service, String address) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!service.output().contains("Listening on: " + address)) {
      if (!service.isAlive() || System.nanoTime() > deadline) {
        fail("the TLS inference-service did not start:\n" + service.logTail(40));
      }
      Thread.sleep(200);
    }
  }

  /** A self-signed server certificate for localhost (PKCS12) and its PEM for the client to trust. */
  private static void selfSignedCertificate(Path keyStore, Path caPem) throws Exception {
    Files.deleteIfExists(keyStore);
    Files.deleteIfExists(caPem);
    String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
    keytool(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD));
    keytool(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
        "-storepass", KEY_STORE_PASSWORD, "-file", caPem.toString()));
  }

  private static void keytool(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
