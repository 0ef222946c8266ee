package dqn.cli;

import dqn.cli.dashboard.DashboardServer;
import dqn.cli.dashboard.DashboardState;
import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.runspec.RunSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The live training page of one run: its state, the HTTP server and the feeds from the services,
 * opened together and closed together. With {@code --no-dashboard} it is there but serves nothing.
 */
final class Dashboard implements AutoCloseable {

  static final String DEFAULT_ADDRESS = "127.0.0.1:8765";

  private final DashboardState state;
  private final DashboardServer server;
  private ServiceWatcher watcher;
  private volatile long actorsModelVersion;

  private Dashboard(DashboardState state, DashboardServer server) {
    this.state = state;
    this.server = server;
  }

  /**
   * Serves the page of run {@code name} at {@code --dashboard} (its address printed), starting
   * from the history in {@code runDir} when there is one, and following {@code clients}' services
   * when given.
   */
  static Dashboard open(Args args, ServiceClients clients, String name, Path runDir, RunSpec spec, PrintStream out)
      throws IOException {
    if (args.flag("no-dashboard")) {
      return new Dashboard(null, null);
    }
    DashboardState state = new DashboardState(name);
    if (runDir != null) {
      state.history(RunCsv.readMetrics(runDir), RunCsv.readEpisodes(runDir));
    }
    if (spec != null) {
      state.spec(spec.values());
    }
    String wanted = args.option("dashboard").orElse(DEFAULT_ADDRESS);
    InetSocketAddress address = address(wanted);
    DashboardServer server;
    try {
      server = DashboardServer.start(address, state);
    } catch (BindException taken) {
      if (args.option("dashboard").isPresent()) {
        throw new Args.UsageException("--dashboard " + wanted + " cannot be served: " + taken.getMessage());
      }
      server = DashboardServer.start(new InetSocketAddress(address.getAddress(), 0), state);
      out.println("dashboard: " + wanted + " is taken; serving on a free port instead");
    }
    Dashboard dashboard = new Dashboard(state, server);
    if (clients != null) {
      dashboard.watcher = new ServiceWatcher(clients, state, () -> dashboard.actorsModelVersion);
    }
    out.println("dashboard: " + server.url() + " (live: curves, the agent playing, models, health)");
    return dashboard;
  }

  /** The page's address; empty when none is served. */
  String url() {
    return server == null ? "" : server.url();
  }

  void add(MetricsRow row) {
    actorsModelVersion = row.modelVersion();
    if (state != null) {
      state.add(row);
    }
  }

  void add(List<EpisodeRow> games) {
    if (state != null) {
      state.add(games);
    }
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new Args.UsageException("--dashboard takes HOST:PORT, e.g. " + DEFAULT_ADDRESS + ", got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65_535) {
      throw new Args.UsageException("--dashboard port must be 0..65535, got '" + hostPort.substring(colon + 1) + "'");
    }
    return new InetSocketAddress(host, port);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
