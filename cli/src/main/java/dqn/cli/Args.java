package dqn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's arguments: positional words, {@code --name value} options (some repeatable), and
 * {@code --flag} switches. Unknown options are refused with the list of known ones.
 */
final class Args {

  /** A wrong command line: the message says what to type instead. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private final List<String> positional = new ArrayList<>();
  private final Map<String, List<String>> options = new LinkedHashMap<>();
  private final Set<String> flags;

  private Args(Set<String> flags) {
    this.flags = flags;
  }

  /**
   * @param valued options that take a value
   * @param flags options that take none
   */
  static Args parse(List<String> words, Set<String> valued, Set<String> flags) {
    Args args = new Args(flags);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (!word.startsWith("--")) {
        args.positional.add(word);
        continue;
      }
      String name = word.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && value == null) {
        args.options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= words.size()) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = words.get(++i);
        }
        args.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        List<String> known = new ArrayList<>();
        valued.forEach(v -> known.add("--" + v));
        flags.forEach(f -> known.add("--" + f));
        throw new UsageException("unknown option --" + name + " (known: " + String.join(", ", known) + ")");
      }
    }
    return args;
  }

  List<String> positional() {
    return positional;
  }

  Optional<String> option(String name) {
    List<String> values = options.get(name);
    return values == null ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  List<String> all(String name) {
    return options.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return flags.contains(name) && options.containsKey(name);
  }

  long longOption(String name, long fallback) {
    Optional<String> value = option(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.get().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got '" + value.get() + "'");
    }
  }

  double doubleOption(String name, double fallback) {
    Optional<String> value = option(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Double.parseDouble(value.get());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + value.get() + "'");
    }
  }
}
