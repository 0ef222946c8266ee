package dqn.cli;

import dqn.cli.report.CompareChart;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code dqn compare RUN...}: the curves of several runs in one PNG (see {@link CompareChart}), so
 * two settings can be compared without TensorBoard. Reads only the runs' {@code metrics.csv}, so it
 * works on a run that is still training.
 */
final class CompareCommand {

  static final Set<String> OPTIONS = Set.of("out", "runs-dir");
  static final Set<String> FLAGS = Set.of();

  static final String USAGE =
      """
      usage: dqn compare RUN... [options]
        RUN                   a run folder as a path (runs/pong-1), or a run's name in the runs folder
        --out FILE            the PNG to write (default compare.png in the current folder)
        --runs-dir DIR        the folder of run names (default the repository's runs/)
      Draws the mean return of the last 100 games, TD loss and frames per second against frames,
      one colour per run, e.g. ./dqn compare runs/pong-1 runs/pong-2 --out pong.png
      """;

  private final PrintStream out;

  CompareCommand(PrintStream out) {
    this.out = out;
  }

  int run(Args args) throws IOException {
    List<String> typed = args.positional();
    if (typed.isEmpty()) {
      throw new Args.UsageException("dqn compare needs one run or more, e.g. dqn compare runs/a runs/b\n" + USAGE);
    }
    Path runsDir =
        Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString())).toAbsolutePath();
    List<Path> runDirs = typed.stream().map(run -> runDir(run, runsDir)).toList();
    List<String> names = names(typed, runDirs);
    List<CompareChart.Run> runs = new ArrayList<>();
    for (int i = 0; i < runDirs.size(); i++) {
      List<MetricsRow> metrics = RunCsv.readMetrics(runDirs.get(i));
      if (metrics.isEmpty()) {
        out.println("compare: " + runDirs.get(i) + " has no metrics rows yet");
      }
      runs.add(new CompareChart.Run(names.get(i), metrics));
    }
    Path png = Path.of(args.option("out").orElse("compare.png")).toAbsolutePath();
    CompareChart.write(png, runs);
    out.printf("compare: %d runs in %s%n", runs.size(), png);
    return 0;
  }

  /**
   * The folder of {@code run}: the path as typed (from the current folder), else the name in
   * {@code runsDir}; the first that holds a {@code metrics.csv}.
   */
  private static Path runDir(String run, Path runsDir) {
    List<Path> candidates =
        Stream.of(Path.of(run).toAbsolutePath(), runsDir.resolve(run)).map(Path::normalize).distinct().toList();
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate.resolve(RunCsv.METRICS_FILE))) {
        return candidate;
      }
    }
    throw new Args.UsageException(
        "no " + RunCsv.METRICS_FILE + " in "
            + candidates.stream().map(Path::toString).collect(Collectors.joining(" nor in "))
            + ": '" + run + "' is not the folder of a training run");
  }

  /** The legend's names: the folders' names, or the runs as typed where two folders share a name. */
  private static List<String> names(List<String> typed, List<Path> runDirs) {
    Set<String> seen = new HashSet<>();
    for (String run : typed) {
      if (!seen.add(run)) {
        throw new Args.UsageException("'" + run + "' is given twice");
      }
    }
    List<String> folderNames = runDirs.stream().map(dir -> dir.getFileName().toString()).toList();
    return Set.copyOf(folderNames).size() == folderNames.size() ? folderNames : typed;
  }
}
