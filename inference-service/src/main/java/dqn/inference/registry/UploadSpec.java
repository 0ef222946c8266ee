package dqn.inference.registry;

import java.util.Map;

/**
 * What an uploader announces before sending a model file.
 *
 * @param model model name
 * @param makeLive serve the new version once it is validated (always so for a model's first)
 * @param sizeBytes exact size of the file
 * @param sha256 expected hex SHA-256, or empty for no check
 * @param properties metadata kept beside the file, merged over the file's own
 */
public record UploadSpec(
    String model, boolean makeLive, long sizeBytes, String sha256, Map<String, String> properties) {

  public UploadSpec {
    sha256 = sha256 == null ? "" : sha256;
    properties = Map.copyOf(properties);
  }
}
