package dqn.cli;

import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged command line ({@code cli/target/dqn-cli.jar}) started as its own process, as {@code ./dqn} runs it. */
final class DqnProcess {

  /** The repository root (the failsafe run's {@code dqn.home}, else the module's parent). */
  static final Path HOME = Path.of(System.getProperty("dqn.home", "..")).toAbsolutePath().normalize();

  private DqnProcess() {}

  /** The newest row of a run's {@code metrics.csv}, or null while none is written (or it is being written). */
  static MetricsRow newestMetrics(Path run) {
    try {
      List<MetricsRow> rows = RunCsv.readMetrics(run);
      return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    } catch (IOException | RuntimeException notYet) {
      return null;
    }
  }

  /**
   * Runs {@code dqn ARGS --runs-dir RUNS} with its output (stdout and stderr) in {@code log}; the
   * services it starts inherit {@code environment} on top of this process's own.
   */
  static Process start(Path runs, Path log, Map<String, String> environment, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddqn.home=" + HOME,
                "-jar",
                HOME.resolve("cli/target/dqn-cli.jar").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--runs-dir", runs.toString()));
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }
}
