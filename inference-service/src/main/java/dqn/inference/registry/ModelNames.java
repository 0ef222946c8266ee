package dqn.inference.registry;

import java.util.regex.Pattern;

/** The rule for model names, which are also folder names on disk. */
public final class ModelNames {

  /** Letters, digits, '-', '_' and '.', at most 64, starting with a letter or digit. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ModelNames() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** Throws {@link InvalidUploadException} naming the rule when {@code name} breaks it. */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new InvalidUploadException(
          "model name '"
              + name
              + "' is not allowed: use 1 to 64 letters, digits, '-', '_' or '.', starting with a"
              + " letter or digit");
    }
    return name;
  }
}
