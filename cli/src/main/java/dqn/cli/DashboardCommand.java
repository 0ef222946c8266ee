package dqn.cli;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.cli.report.RunProgress;
import dqn.runspec.RunSpec;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code dqn dashboard}: the live training page for a run that trains elsewhere. Pointed at a run
 * directory it follows the run's CSV files (the whole history, then each new row) and, while the
 * run trains, its services; pointed at services alone (e.g. on Kubernetes through port-forwards)
 * it draws the curves from what the services report, from the moment it starts.
 */
final class DashboardCommand {

  static final Set<String> OPTIONS = Set.of("run", "runs-dir", "env", "replay", "learner", "inference", "dashboard");
  static final Set<String> FLAGS = Set.of();

  static final String USAGE =
      """
      usage: dqn dashboard (--run NAME | --env HOST:PORT --replay HOST:PORT --learner HOST:PORT --inference HOST:PORT)
        --run NAME            a run directory runs/NAME: its whole history, and its services while it trains
        --env/--replay/--learner/--inference HOST:PORT
                              services to follow (all four), e.g. through kubectl port-forward
        --dashboard HOST:PORT the page's address (default 127.0.0.1:8765; port 0 for any free one)
      Ctrl-C stops the page (never the training).
      """;

  private static final long POLL_MS = 2_000;

  private final PrintStream out;

  DashboardCommand(PrintStream out) {
    this.out = out;
  }

  int run(Args args) throws Exception {
    Path runDir = null;
    Endpoints endpoints = null;
    RunSpec spec = null;
    if (args.option("run").isPresent()) {
      Path runsDir = Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString()));
      runDir = runsDir.resolve(args.option("run").get()).toAbsolutePath();
      Path specFile = runDir.resolve("run-spec.properties");
      if (!Files.exists(specFile)) {
        throw new Args.UsageException("no run in " + runDir + " (it has no run-spec.properties)");
      }
      spec = RunSpec.load(specFile);
      Path services = runDir.resolve("services.properties");
      if (Files.exists(services)) {
        endpoints = Endpoints.read(services);
      } else {
        out.println("dashboard: " + runDir.getFileName() + " is not training now: its history only");
      }
    }
    if (List.of("env", "replay", "learner", "inference").stream().anyMatch(o -> args.option(o).isPresent())) {
      for (String option : List.of("env", "replay", "learner", "inference")) {
        if (args.option(option).isEmpty()) {
          throw new Args.UsageException("give all four service addresses\n" + USAGE);
        }
      }
      endpoints =
          new Endpoints(args.option("env").get(), args.option("replay").get(), args.option("learner").get(), args.option("inference").get());
    }
    if (runDir == null && endpoints == null) {
      throw new Args.UsageException("dqn dashboard needs --run or the four service addresses\n" + USAGE);
    }
    String name = runDir != null ? runDir.getFileName().toString() : "services at " + endpoints.env();
    ServiceClients clients = endpoints == null ? null : new ServiceClients(endpoints);
    try (Dashboard dashboard = Dashboard.open(args, clients, name, runDir, spec, out)) {
      if (runDir != null) {
        followFiles(runDir, dashboard);
      } else {
        followServices(clients, dashboard);
      }
    } finally {
      if (clients != null) {
        clients.close();
      }
    }
    return 0;
  }

  /** New rows of the run's CSV files as the training writes them. */
  private static void followFiles(Path runDir, Dashboard dashboard) throws Exception {
    int metricsSeen = RunCsv.readMetrics(runDir).size();
    int gamesSeen = RunCsv.readEpisodes(runDir).size();
    while (true) {
      Thread.sleep(POLL_MS);
      List<EpisodeRow> games = RunCsv.readEpisodes(runDir);
      dashboard.add(games.subList(Math.min(gamesSeen, games.size()), games.size()));
      gamesSeen = Math.max(gamesSeen, games.size());
      List<MetricsRow> rows = RunCsv.readMetrics(runDir);
      for (int i = metricsSeen; i < rows.size(); i++) {
        dashboard.add(rows.get(i));
      }
      metricsSeen = Math.max(metricsSeen, rows.size());
    }
  }

  /** Rows made from what the services report, for services with no run directory here. */
  private static void followServices(ServiceClients clients, Dashboard dashboard) throws Exception {
    RunSampler sampler = new RunSampler(clients, new RunProgress(0, 0, 0, List.of()));
    while (true) {
      Thread.sleep(POLL_MS);
      try {
        RunSampler.Sample sample = sampler.sample();
        dashboard.add(sample.games());
        dashboard.add(sample.row());
      } catch (StatusRuntimeException e) {
        // The services' health on the page says which one is down; ask again.
      }
    }
  }
}
