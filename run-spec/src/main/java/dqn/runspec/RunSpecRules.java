package dqn.runspec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The run specification's checks of single values: each key's valid range or choices, written once,
 * with the limits the services hold (so a value accepted here starts every service), and the edges
 * of each range. The checks across keys stay in {@link RunSpec}.
 */
final class RunSpecRules {

  private RunSpecRules() {}

  /**
   * A key's check and its edges: the extreme values it accepts (for a choice, every choice), on
   * which every service must start (each service's RunSpecEdgesTest tries them).
   */
  private record Rule(String key, Function<String, String> problem, List<String> edges) {

    static Rule integer(String key, long min, long max) {
      return new Rule(key, v -> longIn(v, min, max), List.of(Long.toString(min), Long.toString(max)));
    }

    static Rule number(String key, double min, double max) {
      return new Rule(
          key, v -> doubleIn(v, min, max, false), List.of(RunSpecRules.number(min), RunSpecRules.number(max)));
    }

    /** A number above {@code min} (excluded) up to {@code max}. */
    static Rule numberAbove(String key, double min, double max) {
      return new Rule(
          key, v -> doubleIn(v, min, max, true), List.of(Double.toString(Math.nextUp(min)), RunSpecRules.number(max)));
    }

    static Rule bool(String key) {
      return new Rule(key, RunSpecRules::bool, List.of("true", "false"));
    }

    static Rule choice(String key, String... allowed) {
      return new Rule(key, v -> oneOf(v, allowed), List.of(allowed));
    }
  }

  /**
   * The replay-service refuses a capacity under twice its largest insert ({@code
   * dqn.replay.max-steps-per-insert}, 1024 by default) or from 2^30 on.
   */
  private static final long MIN_REPLAY_CAPACITY = 2 * 1024;

  private static final long MAX_REPLAY_CAPACITY = (1L << 30) - 1;

  /** The env-service's limit on the sessions of one actor pool (each holds an emulator). */
  static final long MAX_ACTOR_SESSIONS = 1024;

  /** ALE's screen, 210 x 160: the preprocessing scales down from it, never up. */
  private static final long MAX_SCREEN_HEIGHT = 210;

  private static final long MAX_SCREEN_WIDTH = 160;

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "game",
              v -> v.matches("[a-z0-9_]+") ? null : "must be a game name such as pong or breakout",
              List.of()),
          Rule.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE),
          Rule.integer("budget.frames", 1, Long.MAX_VALUE),
          Rule.integer("preprocessing.frame-skip", 1, 64),
          Rule.integer("preprocessing.frame-stack", 1, 16),
          Rule.integer("preprocessing.screen-height", 8, MAX_SCREEN_HEIGHT),
          Rule.integer("preprocessing.screen-width", 8, MAX_SCREEN_WIDTH),
          Rule.integer("preprocessing.noop-max", 0, 1000),
          Rule.bool("preprocessing.fire-on-reset"),
          Rule.bool("preprocessing.terminal-on-life-loss"),
          Rule.number("preprocessing.repeat-action-probability", 0, 1),
          Rule.integer("preprocessing.max-episode-frames", 1, Integer.MAX_VALUE),
          Rule.choice("network.architecture", "nature", "nips"),
          Rule.bool("network.dueling"),
          Rule.numberAbove("algorithm.gamma", 0, 1),
          Rule.integer("algorithm.n-step", 1, 100),
          Rule.bool("algorithm.double-dqn"),
          Rule.bool("algorithm.clip-rewards"),
          Rule.integer("algorithm.batch-size", 1, 1024),
          Rule.integer("algorithm.update-period-steps", 1, 10_000),
          Rule.integer("algorithm.learning-starts-steps", 1, MAX_REPLAY_CAPACITY),
          Rule.integer("algorithm.target-sync-period-updates", 1, Long.MAX_VALUE),
          Rule.number("algorithm.huber-delta", 1e-9, 1e9),
          Rule.number("algorithm.max-grad-norm", 0, 1e9),
          Rule.choice("optimizer.kind", "adam", "centered-rmsprop"),
          Rule.number("optimizer.learning-rate", 1e-12, 1),
          Rule.number("optimizer.epsilon", 1e-12, 1),
          Rule.integer("replay.capacity", MIN_REPLAY_CAPACITY, MAX_REPLAY_CAPACITY),
          Rule.choice("replay.sampling", "uniform", "prioritized"),
          Rule.number("replay.prioritized-alpha", 0, 1),
          Rule.number("replay.prioritized-beta-start", 0, 1),
          Rule.number("replay.rate-limiter-slack-samples", 1, 1e12),
          Rule.choice("exploration.mode", "linear", "ape-x"),
          Rule.number("exploration.epsilon-start", 0, 1),
          Rule.number("exploration.epsilon-end", 0, 1),
          Rule.integer("exploration.epsilon-decay-frames", 0, Long.MAX_VALUE),
          Rule.integer("actors.count", 1, 256),
          Rule.integer("actors.sessions-per-actor", 1, 256),
          Rule.integer("snapshots.period-updates", 1, Long.MAX_VALUE),
          Rule.integer("checkpoints.period-updates", 1, Long.MAX_VALUE));

  static Map<String, List<String>> edges() {
    Map<String, List<String>> edges = new TreeMap<>();
    RULES.forEach(rule -> edges.put(rule.key(), rule.edges()));
    return edges;
  }

  /** Each missing key and each value its own check refuses, with the key named. */
  static List<String> problems(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (Rule rule : RULES) {
      String value = values.get(rule.key());
      if (value == null) {
        problems.add(rule.key() + " is missing");
        continue;
      }
      String problem = rule.problem().apply(value);
      if (problem != null) {
        problems.add(rule.key() + "=" + value + ": " + problem);
      }
    }
    return problems;
  }

  private static String longIn(String value, long min, long max) {
    try {
      long v = Long.parseLong(value);
      return v >= min && v <= max ? null : "must be an integer in [" + min + ", " + max + "]";
    } catch (NumberFormatException e) {
      return "must be an integer";
    }
  }

  private static String doubleIn(String value, double min, double max, boolean minExcluded) {
    try {
      double v = Double.parseDouble(value);
      boolean aboveMin = minExcluded ? v > min : v >= min;
      return aboveMin && v <= max
          ? null
          : "must be a number in " + (minExcluded ? "(" : "[") + number(min) + ", " + number(max) + "]";
    } catch (NumberFormatException e) {
      return "must be a number";
    }
  }

  private static String bool(String value) {
    return value.equals("true") || value.equals("false") ? null : "must be true or false";
  }

  private static String oneOf(String value, String... allowed) {
    return List.of(allowed).contains(value) ? null : "must be one of " + String.join(", ", allowed);
  }

  static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }
}
