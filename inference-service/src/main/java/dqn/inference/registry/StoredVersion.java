package dqn.inference.registry;

import java.util.Map;

/**
 * One version of a model as kept on disk.
 *
 * @param model model name
 * @param version 1, 2, ... per model
 * @param sha256 hex SHA-256 of the ONNX file
 * @param sizeBytes size of the ONNX file
 * @param uploadedUnixMs upload time, milliseconds since the epoch
 * @param properties metadata the uploader sent beside the file
 */
public record StoredVersion(
    String model,
    long version,
    String sha256,
    long sizeBytes,
    long uploadedUnixMs,
    Map<String, String> properties) {

  public StoredVersion {
    properties = Map.copyOf(properties);
  }
}
