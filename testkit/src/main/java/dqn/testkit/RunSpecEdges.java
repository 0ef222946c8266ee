package dqn.testkit;

import dqn.runspec.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The specifications at the edges of what the run specification accepts: each family's default
 * with one key set to one of its {@link RunSpec#edges()} values, where the specification's checks
 * accept the result. Each service's tests start its configuration checks on every one, so a value
 * the run specification accepts never stops a service at start-up.
 */
public final class RunSpecEdges {

  private RunSpecEdges() {}

  /** By label ({@code family: key=value}), in a stable order; over a hundred of them. */
  public static Map<String, RunSpec> accepted() {
    Map<String, RunSpec> accepted = new LinkedHashMap<>();
    for (String game : List.of(RunSpec.DEFAULT_GAME, "catch")) {
      RunSpec base = RunSpec.forGame(game);
      for (Map.Entry<String, List<String>> edge : RunSpec.edges().entrySet()) {
        for (String value : edge.getValue()) {
          try {
            accepted.put(game + ": " + edge.getKey() + "=" + value, base.with(Map.of(edge.getKey(), value)));
          } catch (IllegalArgumentException refusedBesideTheOtherValues) {
            // e.g. the smallest capacity under Atari's learning start: not a specification to try.
          }
        }
      }
    }
    return accepted;
  }

  /**
   * Each accepted specification that a service's start-up checks refuse, with the label and the
   * refusal's message; empty when the service starts on all of them.
   */
  public static List<String> refusedBy(Consumer<RunSpec> startUpChecks) {
    Map<String, RunSpec> specs = accepted();
    if (specs.size() < 100) {
      throw new AssertionError("only " + specs.size() + " edge specifications: the run specification lost its edges");
    }
    List<String> refused = new ArrayList<>();
    specs.forEach(
        (label, spec) -> {
          try {
            startUpChecks.accept(spec);
          } catch (RuntimeException e) {
            refused.add(label + " -> " + e.getMessage());
          }
        });
    return refused;
  }
}
