package dqn.qnetwork.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.proto.GraphProto;
import dqn.qnetwork.onnx.proto.ModelProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official ONNX checker (Python {@code onnx.checker}, full check) accepts every exported variant. */
class OnnxCheckerTest {

  private static final String CHECK = String.join("\n",
      "import onnx, sys",
      "for path in sys.argv[1:]:",
      "    onnx.checker.check_model(onnx.load(path), full_check=True)",
      "    print('ok', path)");

  private record Checked(int exitCode, String output) {
  }

  @Test
  void officialCheckerAcceptsEveryVariant(@TempDir Path dir) throws Exception {
    List<QNetworkSpec> specs = TestNetworks.all();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Path file = dir.resolve("model-" + i + ".onnx");
      OnnxQNetworkWriter.write(QNetworkWeights.random(specs.get(i), i), Map.of(
          OnnxMetadata.GAME, "test", OnnxMetadata.UPDATE_STEP, "1"), file);
      files.add(file);
    }
    Checked checked = check(files);
    assertEquals(0, checked.exitCode(), "onnx.checker refused a model:\n" + checked.output());
    for (int i = 0; i < specs.size(); i++) {
      assertTrue(checked.output().contains("ok " + files.get(i)), specs.get(i) + " was not checked:\n"
          + checked.output());
    }
  }

  /** The same harness fails on a graph whose node order is broken, so the check above is not vacuous. */
  @Test
  void checkerRefusesABrokenGraph(@TempDir Path dir) throws Exception {
    ModelProto model = OnnxQNetworkWriter.toModel(QNetworkWeights.random(QNetworkSpec.nips2013(4), 0), Map.of());
    GraphProto.Builder graph = model.getGraph().toBuilder();
    graph.removeNode(2); // conv1: its Relu now reads a tensor nothing produces
    Path file = dir.resolve("broken.onnx");
    Files.write(file, model.toBuilder().setGraph(graph).build().toByteArray());
    Checked checked = check(List.of(file));
    assertNotEquals(0, checked.exitCode(), "the checker accepted a broken graph:\n" + checked.output());
    assertTrue(checked.output().contains("conv1_out"), checked.output());
  }

  private static Checked check(List<Path> files) throws Exception {
    List<String> command = new ArrayList<>(List.of(python().toString(), "-c", CHECK));
    files.forEach(f -> command.add(f.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("the ONNX checker did not finish within 60 s");
    }
    return new Checked(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** The project's Python environment, found by walking up from the working directory. */
  static Path python() throws IOException {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(".cache/pyenv"))) {
        Path python = d.resolve(".cache/pyenv/bin/python");
        if (!Files.isExecutable(python)) {
          fail(python + " is missing or not executable; run scripts/setup.sh to rebuild the Python environment");
        }
        return python;
      }
    }
    return fail("no .cache/pyenv above " + dir + "; run scripts/setup.sh at the repository root to create the "
        + "Python environment with the onnx checker");
  }
}
