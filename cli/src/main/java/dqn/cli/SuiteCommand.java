package dqn.cli;

import dqn.cli.report.EvalRow;
import dqn.cli.report.PublishedScores;
import dqn.cli.report.RunCsv;
import dqn.cli.report.SuiteReport;
import dqn.runspec.RunSpec;
import dqn.runspec.Suggestions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code dqn suite [GAME...]}: trains several games one after another with one run specification
 * (by default the seven games of Mnih et al. 2013), each in its own run directory under the suite
 * directory, and tabulates them against random play and the published scores. The same command
 * resumes: a finished game is skipped, an unfinished one resumes from its checkpoint.
 */
final class SuiteCommand {

  static final Set<String> OPTIONS =
      Set.of("suite", "frames", "spec", "set", "runs-dir", "eval-games", "random-games", "replay",
          "progress-seconds", "dashboard", "max-restarts");
  static final Set<String> FLAGS = Set.of("report", "no-dashboard");

  static final String USAGE =
      """
      usage: dqn suite [GAME...] [options]
        GAME...               ALE names, trained in this order (default: the seven games of Mnih et
                              al. 2013: beam_rider breakout enduro pong qbert seaquest space_invaders)
        --suite NAME          the suite directory runs/NAME (default suite); an existing one resumes
        --frames N            environment frames per game (the run specification's budget.frames)
        --spec FILE           one run specification for every game, over the built-in defaults
        --set KEY=VALUE       one run specification value for every game (repeatable)
        --eval-games N        games of each evaluation at epsilon 0.05 at the budget (default 30)
        --random-games N      games of each game's random-policy baseline (default 30)
        --report              only write the table (suite.md, suite.csv, suite.png) of what exists
        --replay, --progress-seconds, --dashboard, --no-dashboard, --max-restarts
                              as for dqn train, for each game
      The table compares each game's evaluation with random play, the last 100 training games, and
      the published DQN (2013, 2015) and human scores.
      """;

  /** The games and the run specification the suite was made with; a resume must match them. */
  static final String SUITE_FILE = "suite.properties";

  private static final int MAX_DIFFERENCES_SHOWN = 12;

  private static final List<String> PASSED_THROUGH = List.of("replay", "progress-seconds", "dashboard", "max-restarts");

  private final PrintStream out;
  private final Interrupts interrupts;

  SuiteCommand(PrintStream out, Interrupts interrupts) {
    this.out = out;
    this.interrupts = interrupts;
  }

  int run(Args args) throws Exception {
    Path runsDir = Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString()));
    String name = args.option("suite").orElse("suite");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new Args.UsageException("--suite must be letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    Path suiteDir = runsDir.resolve(name).toAbsolutePath();
    Path suiteFile = suiteDir.resolve(SUITE_FILE);
    if (args.flag("report")) {
      if (!Files.exists(suiteFile)) {
        throw new Args.UsageException(suiteDir + " holds no suite (no " + SUITE_FILE + "): give its --suite NAME");
      }
      report(suiteDir, games(read(suiteFile)));
      return 0;
    }
    List<String> games = args.positional().isEmpty() ? PublishedScores.DQN_2013_GAMES : List.copyOf(args.positional());
    requireKnown(games);
    int evalGames = (int) args.longOption("eval-games", 30);
    int randomGames = (int) args.longOption("random-games", 30);
    if (evalGames < 1 || randomGames < 1) {
      throw new Args.UsageException("--eval-games and --random-games must be at least 1");
    }

    // One specification per family of games (Atari, or a built-in game), written out in full.
    Map<String, RunSpec> specs = new TreeMap<>();
    for (String game : games) {
      specs.computeIfAbsent(RunSpec.family(game), family -> resolve(args, game));
    }
    Map<String, String> made = suiteValues(games, specs, evalGames, randomGames);
    boolean resuming = Files.exists(suiteFile);
    if (resuming) {
      requireSame(suiteDir, read(suiteFile), made);
    } else {
      Files.createDirectories(suiteDir);
      write(suiteFile, made);
    }
    Map<String, Path> specFiles = new TreeMap<>();
    for (Map.Entry<String, RunSpec> family : specs.entrySet()) {
      Path file = suiteDir.resolve("run-spec-" + family.getKey() + ".properties");
      family.getValue().write(file, "The suite's run specification for its " + family.getKey()
          + " games (each game's run directory holds its own, with its game).");
      specFiles.put(family.getKey(), file);
    }
    out.printf("suite: %s %d games in %s: %s%n", resuming ? "resuming" : "starting", games.size(), suiteDir,
        String.join(", ", games));

    for (int i = 0; i < games.size(); i++) {
      String game = games.get(i);
      RunSpec spec = specs.get(RunSpec.family(game));
      Path runDir = suiteDir.resolve(game);
      String label = "game " + (i + 1) + " of " + games.size() + ": " + game;
      if (finished(runDir, spec.budgetFrames())) {
        out.printf("suite: %s finished; skipped%n", label);
        continue;
      }
      out.printf("suite: %s%n", label);
      List<String> argv = new ArrayList<>(List.of(game, "--runs-dir", suiteDir.toString(), "--run", game,
          "--spec", specFiles.get(RunSpec.family(game)).toString(),
          "--eval-games", Integer.toString(evalGames), "--random-games", Integer.toString(randomGames)));
      for (String option : PASSED_THROUGH) {
        args.option(option).ifPresent(value -> argv.addAll(List.of("--" + option, value)));
      }
      if (args.flag("no-dashboard")) {
        argv.add("--no-dashboard");
      }
      int code = new TrainCommand(out, interrupts, label).run(Args.parse(argv, TrainCommand.OPTIONS, TrainCommand.FLAGS));
      report(suiteDir, games);
      if (interrupts.stopRequested() || code != 0) {
        out.printf("suite: stopped during %s; the same command resumes%n", label);
        return code;
      }
    }
    out.println("suite: all " + games.size() + " games finished");
    return 0;
  }

  /** The suite's specification for the games of {@code game}'s family. */
  private static RunSpec resolve(Args args, String game) {
    RunSpec base = args.option("spec").map(file -> RunSpec.load(Path.of(file).toAbsolutePath())).orElse(RunSpec.forGame(game));
    Map<String, String> overrides = new LinkedHashMap<>(TrainCommand.specOverrides(args));
    overrides.put("game", game);
    return base.with(overrides);
  }

  /** What a resume must match: the games in order, the evaluation sizes, and each family's specification. */
  private static Map<String, String> suiteValues(
      List<String> games, Map<String, RunSpec> specs, int evalGames, int randomGames) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("games", String.join(",", games));
    values.put("eval-games", Integer.toString(evalGames));
    values.put("random-games", Integer.toString(randomGames));
    specs.forEach((family, spec) -> spec.values().forEach((key, value) -> {
      if (!key.equals("game")) {
        values.put(family + "." + key, value);
      }
    }));
    return values;
  }

  private static void requireSame(Path suiteDir, Map<String, String> stored, Map<String, String> made) {
    // The games and evaluation sizes first, then the specification's keys in order.
    Set<String> keys = new LinkedHashSet<>(made.keySet());
    keys.addAll(new TreeSet<>(stored.keySet()));
    List<String> differences = new ArrayList<>();
    for (String key : keys) {
      String before = stored.getOrDefault(key, "(none)");
      String now = made.getOrDefault(key, "(none)");
      if (!before.equals(now)) {
        differences.add("  " + key + ": the suite has " + before + ", this command gives " + now);
      }
    }
    if (differences.isEmpty()) {
      return;
    }
    int shown = Math.min(differences.size(), MAX_DIFFERENCES_SHOWN);
    String more = differences.size() > shown ? "\n  and " + (differences.size() - shown) + " more" : "";
    throw new Args.UsageException(
        suiteDir + " was made with other games or another run specification:\n"
            + String.join("\n", differences.subList(0, shown)) + more
            + "\nresume it with the command that made it (its " + SUITE_FILE + " lists what it was made with),"
            + " or choose another --suite NAME");
  }

  /** The budget reached and both evaluations there written: the model's and random play's. */
  private static boolean finished(Path runDir, long budgetFrames) throws IOException {
    if (RunCsv.readProgress(runDir).frames() < budgetFrames) {
      return false;
    }
    List<EvalRow> evals = RunCsv.readEvals(runDir).stream().filter(EvalRow::isStandardProtocol).toList();
    return evals.stream().anyMatch(row -> !row.isRandomPolicy() && row.frames() >= budgetFrames)
        && evals.stream().anyMatch(EvalRow::isRandomPolicy);
  }

  /** Refuses, before anything starts, a game this machine cannot play or one named twice. */
  private static void requireKnown(List<String> games) throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    for (String game : games) {
      if (!seen.add(game)) {
        throw new Args.UsageException("the suite names " + game + " twice");
      }
    }
    Optional<Set<String>> known = knownGames();
    if (known.isEmpty()) {
      return; // ALE not fetched yet: the env-service checks each game when it starts
    }
    for (String game : games) {
      if (!known.get().contains(game)) {
        throw new Args.UsageException(
            "unknown game '" + game + "'; closest: " + String.join(", ", Suggestions.closest(game, known.get(), 5)));
      }
    }
  }

  /** The ROMs' ALE names in the env-service's ALE folder and the built-in games; empty without ALE. */
  private static Optional<Set<String>> knownGames() throws IOException {
    String fromEnvironment = System.getenv("DQN_ALE_HOME");
    Path ale = fromEnvironment != null && !fromEnvironment.isBlank()
        ? Path.of(fromEnvironment)
        : LocalServices.home().resolve(".cache/ale");
    Path roms = ale.resolve("ale_py/roms");
    if (!Files.isDirectory(roms)) {
      return Optional.empty();
    }
    Set<String> names = new TreeSet<>(RunSpec.builtInGames());
    try (DirectoryStream<Path> files = Files.newDirectoryStream(roms, "*.bin")) {
      files.forEach(rom -> names.add(rom.getFileName().toString().replaceFirst("\\.bin$", "")));
    }
    return Optional.of(names);
  }

  private void report(Path suiteDir, List<String> games) throws IOException {
    SuiteReport.write(suiteDir, games);
    out.print(Files.readString(suiteDir.resolve(SuiteReport.MARKDOWN_FILE)));
    out.printf("suite: table %s, %s; curves %s%n", suiteDir.resolve(SuiteReport.MARKDOWN_FILE),
        suiteDir.resolve(SuiteReport.CSV_FILE), suiteDir.resolve(SuiteReport.CHART_FILE));
  }

  private static List<String> games(Map<String, String> suite) {
    return List.of(suite.getOrDefault("games", "").split(","));
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (var reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    return values;
  }

  private static void write(Path file, Map<String, String> values) throws IOException {
    StringBuilder text = new StringBuilder("# The suite's games and run specification: dqn suite resumes only with the same.\n");
    values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    Files.writeString(file, text);
  }
}
