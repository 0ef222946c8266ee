package dqn.runspec;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean": the known names closest to a mistyped one, by edit distance. */
public final class Suggestions {

  private Suggestions() {}

  /** Up to {@code count} known names, closest first. */
  public static List<String> closest(String name, Collection<String> known, int count) {
    return known.stream()
        .sorted(Comparator.comparingInt((String k) -> editDistance(k, name)).thenComparing(k -> k))
        .limit(count)
        .toList();
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  public static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
