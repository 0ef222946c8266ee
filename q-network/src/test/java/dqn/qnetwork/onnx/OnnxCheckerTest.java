package dqn.qnetwork.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
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

    @Test
    void officialCheckerAcceptsEveryVariant(@TempDir Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(python().toString(), "-c", CHECK));
        List<QNetworkSpec> specs = TestNetworks.all();
        for (int i = 0; i < specs.size(); i++) {
            Path file = dir.resolve("model-" + i + ".onnx");
            OnnxQNetworkWriter.write(QNetworkWeights.random(specs.get(i), i), Map.of(
                    OnnxMetadata.GAME, "test", OnnxMetadata.UPDATE_STEP, "1"), file);
            command.add(file.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the ONNX checker did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "onnx.checker refused a model:\n" + output);
        for (int i = 0; i < specs.size(); i++) {
            assertTrue(output.contains("model-" + i + ".onnx"), specs.get(i) + " was not checked:\n" + output);
        }
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
