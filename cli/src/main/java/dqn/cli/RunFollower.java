package dqn.cli;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.LearningCurveChart;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.cli.report.RunLog;
import dqn.cli.report.RunProgress;
import dqn.runspec.RunSpec;
import dqn.v1.ActorStatus;
import dqn.v1.SnapshotInfo;
import dqn.v1.SnapshotNowRequest;
import dqn.v1.StartActorsRequest;
import dqn.v1.StopActorsRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Follows a training run whose services are up: starts the actors, samples the services every
 * second into the progress line, {@code metrics.csv}, {@code episodes.csv}, TensorBoard files, the
 * live page and the learning curve, restarts a service that dies, and at the end stops the actors
 * in order, takes a snapshot and (at the budget) evaluates.
 */
final class RunFollower {

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final long CHART_PERIOD_NANOS = 30_000_000_000L;

  private final PrintStream out;
  private final Interrupts interrupts;
  private final String label;

  /** @param label heads each progress line, e.g. a suite's "game 2 of 7: breakout" */
  RunFollower(PrintStream out, Interrupts interrupts, String label) {
    this.out = out;
    this.interrupts = interrupts;
    this.label = label;
  }

  /**
   * Starts the actors and follows the run until the budget, Ctrl-C, or a service that keeps dying;
   * a service that dies meanwhile is restarted (the actors too, from where the run stood).
   */
  int follow(
      ServiceClients clients, Supervisor supervisor, RunSpec spec, Path runDir, String name, RunProgress progress, Args args)
      throws Exception {
    long progressNanos = args.longOption("progress-seconds", 10) * 1_000_000_000L;
    if (progressNanos <= 0) {
      throw new Args.UsageException("--progress-seconds must be at least 1");
    }
    int evalGames = (int) args.longOption("eval-games", 30);
    int randomGames = (int) args.longOption("random-games", 0);
    if (evalGames < 1 || randomGames < 0) {
      throw new Args.UsageException("--eval-games must be at least 1 and --random-games at least 0");
    }
    ActorStatus started = startActors(clients, progress.frames(), progress.episodes());
    out.printf(
        "train: %d actors x %d sessions of %s; budget %,d frames%n",
        started.getNumActors(), started.getSessions() / Math.max(1, started.getNumActors()), spec.game(),
        spec.budgetFrames());
    ProgressLine line = new ProgressLine(out, System.console() != null, spec.budgetFrames(), label);
    RunSampler sampler = new RunSampler(clients, progress);
    long startNanos = System.nanoTime();
    long lastRowNanos = startNanos;
    long lastChartNanos = startNanos;
    boolean budgetReached = false;
    boolean gaveUp = false;
    // Where the run stood at the last look: a restarted env-service's actors continue from it.
    long frames = progress.frames();
    long games = progress.episodes();
    boolean actorsRunning = true;
    try (RunLog runLog = RunLog.open(runDir, spec);
        Dashboard dashboard = Dashboard.open(args, clients, name, runDir, spec, out)) {
      while (!interrupts.stopRequested()) {
        Thread.sleep(POLL.toMillis());
        String dead = supervisor.dead();
        if (dead != null) {
          line.finish();
          if (!supervisor.restart(dead, interrupts::stopRequested)) {
            gaveUp = !interrupts.stopRequested();
            break;
          }
          actorsRunning &= !dead.equals("env-service");
          continue;
        }
        if (!actorsRunning) {
          try {
            startActors(clients, frames, games);
            actorsRunning = true;
            out.printf("train: actors started again at %,d frames, %,d games%n", frames, games);
          } catch (StatusRuntimeException e) {
            line.note("the actors did not start again (" + e.getStatus().getCode() + "); retrying");
            continue;
          }
        }
        RunSampler.Sample sample;
        try {
          sample = sampler.sample();
        } catch (StatusRuntimeException e) {
          line.note("a service did not answer (" + e.getStatus().getCode() + "); retrying");
          continue;
        }
        for (EpisodeRow game : sample.games()) {
          runLog.append(game);
        }
        dashboard.add(sample.games());
        MetricsRow row = sample.row();
        frames = row.frames();
        games = row.episodes();
        long now = System.nanoTime();
        line.show(row, sample.learner(), sample.actors(), now - startNanos);
        budgetReached = row.frames() >= spec.budgetFrames();
        if (now - lastRowNanos >= progressNanos || budgetReached) {
          runLog.append(row);
          dashboard.add(row);
          lastRowNanos = now;
          line.plain(row, sample.learner(), sample.actors(), now - startNanos);
        }
        if (now - lastChartNanos >= CHART_PERIOD_NANOS) {
          chart(runDir, name);
          lastChartNanos = now;
        }
        if (budgetReached) {
          break;
        }
      }
      line.finish();
      out.println(
          budgetReached
              ? "train: frame budget reached; stopping the actors"
              : gaveUp ? "train: stopping: the actors first" : "train: stopping (Ctrl-C or SIGTERM): the actors first");
      long stoppedFrames = frames;
      try {
        ActorStatus stopped = clients.envStopping().stopActors(StopActorsRequest.getDefaultInstance());
        stoppedFrames = stopped.getFrames();
        out.printf("train: actors stopped at %,d frames, %,d games%n", stopped.getFrames(), stopped.getEpisodes());
      } catch (StatusRuntimeException e) {
        out.println("train: the actors could not be stopped in order: " + e.getStatus().getDescription());
      }
      try {
        SnapshotInfo snapshot = clients.learner().snapshotNow(SnapshotNowRequest.getDefaultInstance());
        out.printf(
            "train: snapshot at update %,d: %s (version %d)%n",
            snapshot.getUpdateStep(), snapshot.getPath(), snapshot.getVersion());
      } catch (StatusRuntimeException e) {
        out.println("train: no snapshot now: " + e.getStatus().getDescription());
      }
      chart(runDir, name);
      if (budgetReached && !args.flag("no-eval")) {
        evaluate(clients, spec, runDir, evalGames, 0.05, stoppedFrames);
      }
      if (budgetReached && randomGames > 0) {
        evaluate(clients, spec, runDir, randomGames, 1.0, stoppedFrames);
      }
      out.println("train: stopping the services (the learner writes its checkpoint)");
    }
    out.printf("train: run directory %s%n", runDir);
    return gaveUp ? 1 : 0;
  }

  private static ActorStatus startActors(ServiceClients clients, long frames, long games) {
    return clients.env()
        .startActors(StartActorsRequest.newBuilder().setStartFrames(frames).setStartEpisodes(games).build());
  }

  /**
   * The model's evaluation at epsilon 0.05 with a GIF of its first game, or (epsilon 1) the game's
   * random-policy baseline under the same protocol, which needs no model.
   */
  private void evaluate(ServiceClients clients, RunSpec spec, Path runDir, int games, double epsilon, long frames)
      throws IOException {
    boolean randomPlay = epsilon >= 1;
    out.printf(randomPlay ? "eval: %d games with random actions%n" : "eval: %d games with the live model, epsilon 0.05%n", games);
    Evaluator.Result result =
        Evaluator.play(
            clients::env,
            clients.inference,
            spec.game(),
            spec.game(),
            0,
            Evaluator.Protocol.standard(spec),
            games,
            epsilon,
            spec.seed() + 1_000_000,
            randomPlay ? null : runDir.resolve("eval.gif"));
    EvalCommand.report(out, runDir, result, frames);
  }

  private static void chart(Path runDir, String name) {
    try {
      LearningCurveChart.write(
          runDir.resolve("learning_curve.png"), name, RunCsv.readMetrics(runDir), RunCsv.readEpisodes(runDir));
    } catch (IOException | RuntimeException e) {
      System.err.println("train: the learning curve could not be drawn: " + e.getMessage());
    }
  }
}
