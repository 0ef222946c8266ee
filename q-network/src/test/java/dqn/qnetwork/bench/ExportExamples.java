package dqn.qnetwork.bench;

import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.OnnxMetadata;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes one ONNX model with random weights per network variant into a directory, for the
 * outside references in {@code q-network/bench/} (PyTorch parity).
 *
 * <pre>mvn -B -o -q -pl q-network test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dqn.qnetwork.bench.ExportExamples -Dexec.args=/tmp/qnet-examples</pre>
 */
public final class ExportExamples {

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ExportExamples <output directory>");
    }
    Path dir = Path.of(args[0]);
    Map<String, QNetworkSpec> variants = Map.of(
        "nips_2013", QNetworkSpec.nips2013(6),
        "nips_2013_dueling", QNetworkSpec.nips2013(6).withDueling(true),
        "nature_2015", QNetworkSpec.nature2015(6),
        "nature_2015_dueling", QNetworkSpec.nature2015(6).withDueling(true),
        "mlp_float32", QNetworkSpec.mlp(8, List.of(64, 32), 4),
        "mlp_float32_dueling", QNetworkSpec.mlp(8, List.of(64, 32), 4).withDueling(true),
        "mlp_uint8", QNetworkSpec.mlp(16, List.of(32), 3).withInput(InputType.UINT8, 255f));
    for (var e : variants.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".onnx");
      OnnxQNetworkWriter.write(QNetworkWeights.random(e.getValue(), 7), Map.of(OnnxMetadata.GAME, "example"), file);
      System.out.println(file + "  " + e.getValue());
    }
  }
}
