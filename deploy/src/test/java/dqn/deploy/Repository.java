package dqn.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The checkout under test and the tools scripts/setup.sh installs for these tests. */
final class Repository {

  /** The services, in the order a deployment starts them. */
  static final List<String> SERVICES =
      List.of("env-service", "replay-service", "inference-service", "learner-service");

  private Repository() {}

  static Path root() {
    String root = System.getProperty("dqn.repository");
    if (root == null) {
      throw new IllegalStateException("system property dqn.repository is not set (run through Maven)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** The project version: the tag of every image. */
  static String version() {
    String version = System.getProperty("dqn.version");
    if (version == null) {
      throw new IllegalStateException("system property dqn.version is not set (run through Maven)");
    }
    return version;
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An npm tool's launcher in .cache/npm, where scripts/setup.sh installs it. */
  static Path npmTool(String name) {
    Path tool = path(".cache/npm/node_modules/.bin/" + name);
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException(tool + " is missing: run scripts/setup.sh");
    }
    return tool;
  }

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  static Result run(Duration timeout, List<String> command) {
    try {
      Path output = Files.createTempFile("dqn-deploy-", ".out");
      try {
        Process process =
            new ProcessBuilder(command)
                .directory(root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new IllegalStateException(command + " still running after " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
