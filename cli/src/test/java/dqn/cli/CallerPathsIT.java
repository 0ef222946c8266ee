package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths on the command line are the caller's: {@code ./dqn} runs the command line in the folder it
 * was called from, so {@code --spec my.properties} there is that folder's file, not the
 * repository's.
 */
class CallerPathsIT {

  @Test
  void aRelativeSpecIsReadFromTheCallersFolder(@TempDir Path caller) throws Exception {
    // A file only this folder has, with a key no specification knows: the refusal proves it was read.
    Files.writeString(caller.resolve("my.properties"), "game=catch\nno.such.key=1\n");
    Result result = dqn(caller, "train", "catch", "--spec", "my.properties", "--runs-dir", "my-runs");
    assertEquals(2, result.exitCode(), result.output());
    assertTrue(
        result.output().contains(caller.resolve("my.properties") + ": unknown run specification key 'no.such.key'"),
        result.output());
  }

  @Test
  void aRelativeOnnxFileIsLookedForInTheCallersFolder(@TempDir Path caller) throws Exception {
    Result result = dqn(caller, "eval", "--onnx", "missing.onnx", "--game", "catch");
    assertEquals(2, result.exitCode(), result.output());
    assertTrue(result.output().contains(caller.resolve("missing.onnx").toString()), result.output());
  }

  private record Result(int exitCode, String output) {}

  private static Result dqn(Path workingDirectory, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddqn.home=" + DqnProcess.HOME,
                "-jar",
                DqnProcess.HOME.resolve("cli/target/dqn-cli.jar").toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "dqn did not end: " + output);
    return new Result(process.exitValue(), output);
  }
}
