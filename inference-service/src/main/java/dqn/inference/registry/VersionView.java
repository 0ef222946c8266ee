package dqn.inference.registry;

import dqn.inference.model.InputSignature;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A loaded version as clients see it.
 *
 * @param stored what is on disk
 * @param live whether it answers requests that name no version
 * @param signature its input and output
 * @param properties the file's metadata with the uploader's properties merged over it
 */
public record VersionView(
    StoredVersion stored, boolean live, InputSignature signature, Map<String, String> properties) {

  /** Metadata key listing the meaning of each action (q-network's writer sets it). */
  public static final String ACTION_MEANINGS_KEY = "dqn.action_meanings";

  /** Meanings of the actions when the metadata lists exactly one per action, else none. */
  public List<String> actionMeanings() {
    String listed = properties.get(ACTION_MEANINGS_KEY);
    if (listed == null || listed.isBlank()) {
      return List.of();
    }
    List<String> meanings = Arrays.stream(listed.split(",")).map(String::strip).toList();
    return meanings.size() == signature.numActions() ? meanings : List.of();
  }
}
