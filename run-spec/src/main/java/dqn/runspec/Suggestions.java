package dqn.runspec;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean": the known names closest to a mistyped one. The one rule for every suggestion the
 * project makes (games on the command line, in CreateSession and in the learner; run-specification
 * keys), so each place names the same candidates.
 */
public final class Suggestions {

  private Suggestions() {}

  /** Up to {@code count} known names, closest first (by {@link #distance}, then alphabetically). */
  public static List<String> closest(String name, Collection<String> known, int count) {
    return known.stream()
        .sorted(Comparator.comparingInt((String k) -> distance(name, k)).thenComparing(k -> k))
        .limit(count)
        .toList();
  }

  /**
   * How far a known name is from a wanted one, both folded (lower case; space and '-' read as '_',
   * so "Space Invaders" finds space_invaders): 0 when they are equal, 1 when the known name contains
   * the wanted one (a prefix or part of a game's name), else the edit distance.
   */
  public static int distance(String wanted, String known) {
    String w = fold(wanted);
    String k = fold(known);
    if (w.equals(k)) {
      return 0;
    }
    if (!w.isEmpty() && k.contains(w)) {
      return 1;
    }
    return editDistance(w, k);
  }

  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int editDistance(String a, String b) {
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
