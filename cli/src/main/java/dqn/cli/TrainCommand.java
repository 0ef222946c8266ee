package dqn.cli;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.LearningCurveChart;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.cli.report.RunLog;
import dqn.cli.report.RunProgress;
import dqn.runspec.RunSpec;
import dqn.runspec.Suggestions;
import dqn.v1.ActorStatus;
import dqn.v1.FinishedEpisode;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetStatsRequest;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerStatus;
import dqn.v1.ListGamesRequest;
import dqn.v1.ReplayStats;
import dqn.v1.SnapshotInfo;
import dqn.v1.SnapshotNowRequest;
import dqn.v1.StartActorsRequest;
import dqn.v1.StopActorsRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code dqn train <game>}: the closed loop on one machine. Starts the four services as separate
 * processes (or drives ones started elsewhere), wires them from the run specification, starts the
 * actors, and follows the run: progress, {@code metrics.csv}, {@code episodes.csv}, TensorBoard
 * files, the learning curve, until the frame budget or Ctrl-C, then a checkpoint, a snapshot and (at
 * the budget) an evaluation. The same command with the same {@code --run} resumes.
 */
final class TrainCommand {

  static final Set<String> OPTIONS =
      Set.of("run", "frames", "spec", "set", "replay", "redis", "env", "learner", "inference", "runs-dir",
          "progress-seconds", "eval-games", "random-games", "dashboard", "max-restarts");
  static final Set<String> FLAGS = Set.of("no-eval", "no-dashboard");

  static final String USAGE =
      """
      usage: dqn train <game> [options]
        --run NAME            run directory runs/NAME (default <game>-<date>-<time>); an existing one resumes
        --frames N            environment frames to train for (the run specification's budget.frames)
        --spec FILE           a run specification file over the game's built-in defaults
        --set KEY=VALUE       one run specification value (repeatable), e.g. --set actors.count=4
        --replay memory|redis the replay's store: in memory (default) or a local redis-server with AOF
                              in the run directory (resumes with its contents)
        --redis HOST:PORT     use this Redis for the replay instead
        --env/--replay/--learner/--inference HOST:PORT
                              drive services started elsewhere (all four), e.g. through port-forwards
        --progress-seconds N  seconds between metrics rows and plain progress lines (default 10)
        --eval-games N        games of the evaluation at the budget (default 30); --no-eval skips it
        --random-games N      also play N games with uniformly random actions at the budget: the
                              game's random-policy baseline, in eval.csv with epsilon 1 (default 0)
        --dashboard HOST:PORT the live training page's address (default 127.0.0.1:8765; port 0 for any
                              free one); --no-dashboard serves none
        --max-restarts N      restarts of each service (and of the local redis-server) that dies, with
                              backoff, before the run stops (default 3)
      """;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final long CHART_PERIOD_NANOS = 30_000_000_000L;
  private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final PrintStream out;
  private final Interrupts interrupts;
  private final String label;

  TrainCommand(PrintStream out, Interrupts interrupts) {
    this(out, interrupts, "");
  }

  /** @param label heads each progress line, e.g. a suite's "game 2 of 7: breakout" */
  TrainCommand(PrintStream out, Interrupts interrupts, String label) {
    this.out = out;
    this.interrupts = interrupts;
    this.label = label;
  }

  int run(Args args) throws Exception {
    if (args.positional().size() != 1) {
      throw new Args.UsageException("dqn train needs one game, e.g. dqn train pong\n" + USAGE);
    }
    String game = args.positional().get(0);
    Path runsDir = Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString()));
    String name = args.option("run").orElse(game + "-" + LocalDateTime.now().format(RUN_NAME));
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new Args.UsageException("--run must be letters, digits, '.', '_' or '-', got '" + name + "'");
    }
    Path runDir = runsDir.resolve(name).toAbsolutePath();
    Path specFile = runDir.resolve("run-spec.properties");
    boolean resuming = Files.exists(specFile);
    RunSpec spec = resolveSpec(args, game, runDir, specFile, resuming);
    Files.createDirectories(runDir.resolve("logs"));
    spec.write(
        specFile,
        "The resolved run specification of " + name + " (every key; edit a copy and pass it with --spec).\n"
            + "Each service derives its settings from this file (DQN_RUN_SPEC).");

    RunProgress progress = RunCsv.readProgress(runDir);
    out.printf(
        "train: %s %s in %s%n",
        resuming ? "resuming" : "starting",
        game,
        runDir);
    if (resuming) {
      out.printf(
          "train: continuing from %,d frames, %,d games, %.0f s%n",
          progress.frames(), progress.episodes(), progress.wallSeconds());
    }

    Endpoints given = givenEndpoints(args);
    String replayStore = args.option("replay").filter(v -> !v.contains(":")).orElse("memory");
    if (!Set.of("memory", "redis").contains(replayStore)) {
      throw new Args.UsageException("--replay must be memory, redis or HOST:PORT, got '" + replayStore + "'");
    }
    int maxRestarts = (int) args.longOption("max-restarts", 3);
    RedisServer redis = null;
    LocalServices services = new LocalServices(runDir.resolve("logs"));
    interrupts.onForce(services::kill);
    try {
      Endpoints endpoints;
      if (given != null) {
        endpoints = given;
        out.printf("train: driving the services at env %s, replay %s, learner %s, inference %s%n",
            endpoints.env(), endpoints.replay(), endpoints.learner(), endpoints.inference());
      } else {
        String redisUri = "";
        if (args.option("redis").isPresent()) {
          redisUri = "redis://" + args.option("redis").get() + "/0";
        } else if (replayStore.equals("redis")) {
          redis = RedisServer.start(runDir.resolve("redis"), runDir.resolve("logs/redis.log"));
          redisUri = redis.uri();
          out.printf("train: replay in a local redis-server with AOF in %s%n", runDir.resolve("redis"));
        }
        if (redisUri.isEmpty() && resuming) {
          out.println(
              "train: the in-memory replay starts empty: updates resume once it holds "
                  + spec.learningStartsSteps() + " transitions again (--replay redis keeps it across restarts)");
        }
        endpoints = startServices(services, spec, runDir, specFile, name, redisUri);
      }
      endpoints.write(runDir.resolve("services.properties"));
      try (ServiceClients clients = new ServiceClients(endpoints)) {
        if (given != null) {
          requireGame(clients, game);
        }
        return follow(clients, new Supervisor(services, redis, maxRestarts, out), spec, runDir, name, progress, args);
      }
    } catch (RuntimeException | IOException e) {
      if (!resuming && !Files.exists(runDir.resolve(RunCsv.METRICS_FILE))) {
        // Nothing trained: the name stays free for the next try (the logs stay for a look).
        Files.deleteIfExists(specFile);
      }
      throw e;
    } finally {
      services.stop(Duration.ofSeconds(60));
      if (redis != null) {
        redis.close();
      }
      Files.deleteIfExists(runDir.resolve("services.properties"));
    }
  }

  /** The stored specification when resuming (refusing a change of game or network), else a new one. */
  private RunSpec resolveSpec(Args args, String game, Path runDir, Path specFile, boolean resuming) {
    Map<String, String> overrides = specOverrides(args);
    RunSpec spec;
    if (resuming) {
      RunSpec stored = RunSpec.load(specFile);
      if (!stored.game().equals(game)) {
        throw new Args.UsageException(
            runDir + " trains " + stored.game() + ", not " + game + ": resume it with 'dqn train " + stored.game()
                + " --run " + runDir.getFileName() + "', or choose another --run for " + game);
      }
      RunSpec base = args.option("spec").map(file -> RunSpec.load(Path.of(file).toAbsolutePath())).orElse(stored);
      spec = base.with(overrides);
      for (String key : List.of("game", "network.architecture", "network.dueling", "preprocessing.frame-stack",
          "preprocessing.screen-height", "preprocessing.screen-width")) {
        if (!spec.get(key).equals(stored.get(key))) {
          throw new Args.UsageException(
              runDir + " was trained with " + key + "=" + stored.get(key) + "; its checkpoints cannot continue with "
                  + key + "=" + spec.get(key) + ". Choose another --run for the new setting.");
        }
      }
    } else {
      RunSpec base = args.option("spec").map(file -> RunSpec.load(Path.of(file).toAbsolutePath())).orElse(RunSpec.forGame(game));
      Map<String, String> withGame = new LinkedHashMap<>(overrides);
      withGame.putIfAbsent("game", game);
      spec = base.with(withGame);
    }
    return spec;
  }

  /** The run specification values given on the command line: each --set KEY=VALUE and --frames. */
  static Map<String, String> specOverrides(Args args) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String assignment : args.all("set")) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new Args.UsageException("--set takes KEY=VALUE, got '" + assignment + "'");
      }
      overrides.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
    }
    args.option("frames").ifPresent(frames -> overrides.put("budget.frames", frames.replace("_", "")));
    return overrides;
  }

  private static Endpoints givenEndpoints(Args args) {
    List<String> named = new ArrayList<>();
    for (String option : List.of("env", "learner", "inference")) {
      if (args.option(option).isPresent()) {
        named.add(option);
      }
    }
    boolean replayGiven = args.option("replay").filter(v -> v.contains(":")).isPresent();
    if (named.isEmpty() && !replayGiven) {
      return null;
    }
    if (named.size() != 3 || !replayGiven) {
      throw new Args.UsageException(
          "to drive services started elsewhere give all four: --env HOST:PORT --replay HOST:PORT --learner"
              + " HOST:PORT --inference HOST:PORT");
    }
    return new Endpoints(
        args.option("env").get(), args.option("replay").get(), args.option("learner").get(), args.option("inference").get());
  }

  /** Starts the four services on free loopback ports, each told the others' addresses. */
  private Endpoints startServices(
      LocalServices services, RunSpec spec, Path runDir, Path specFile, String name, String redisUri)
      throws IOException, InterruptedException {
    Map<String, Integer> ports = new HashMap<>();
    for (String module : List.of("env-service", "replay-service", "learner-service", "inference-service")) {
      ports.put(module, LocalServices.freePort());
    }
    String env = "127.0.0.1:" + ports.get("env-service");
    String replay = "127.0.0.1:" + ports.get("replay-service");
    String learner = "127.0.0.1:" + ports.get("learner-service");
    String inference = "127.0.0.1:" + ports.get("inference-service");
    Map<String, String> common = Map.of("DQN_RUN_SPEC", specFile.toString());

    Map<String, String> envProps = new LinkedHashMap<>();
    envProps.put("dqn.env.actors.inference-target", inference);
    envProps.put("dqn.env.actors.replay-target", replay);
    envProps.put("dqn.env.sessions.max", Integer.toString(Math.max(128, spec.actorCount() * spec.sessionsPerActor() + 32)));

    Map<String, String> replayProps = new LinkedHashMap<>();
    replayProps.put("dqn.replay.redis-uri", redisUri);
    // One Redis may hold several runs' replays.
    replayProps.put("dqn.replay.redis.key-prefix", "dqn:" + name);

    Map<String, String> inferenceProps = Map.of("dqn.inference.registry.model-dir", runDir.resolve("models").toString());

    Map<String, String> learnerProps = new LinkedHashMap<>();
    learnerProps.put("dqn.learner.replay-target", replay);
    learnerProps.put("dqn.learner.inference-target", inference);
    learnerProps.put("dqn.learner.env-target", env);
    learnerProps.put("dqn.learner.checkpoints.dir", runDir.resolve("checkpoints").toString());
    learnerProps.put("dqn.learner.snapshots.dir", runDir.resolve("snapshots").toString());
    Map<String, String> learnerEnv = new LinkedHashMap<>(common);
    learnerEnv.putAll(learnerMallocSettings());

    out.println("train: starting env-, replay-, inference- and learner-service (logs in " + runDir.resolve("logs") + ")");
    services.start(
        List.of(
            new LocalServices.Spec("env-service", envProps, common, "1g"),
            new LocalServices.Spec("replay-service", replayProps, common, replayHeap(spec)),
            new LocalServices.Spec("inference-service", inferenceProps, common, "1g")),
        ports);
    try (ServiceClients clients = new ServiceClients(new Endpoints(env, replay, learner, inference))) {
      requireGame(clients, spec.game());
    }
    // The learner asks the env-service for the game's actions at start.
    services.start(List.of(new LocalServices.Spec("learner-service", learnerProps, learnerEnv, "2g")), ports);
    out.printf("train: services up: env %s, replay %s, learner %s, inference %s%n", env, replay, learner, inference);
    return new Endpoints(env, replay, learner, inference);
  }

  /** The in-memory replay keeps every frame LZ4-compressed on the heap: about 3 KB per Atari step. */
  private static String replayHeap(RunSpec spec) {
    long capacity = Long.parseLong(spec.get("replay.capacity"));
    long frameBytes = (long) spec.screenHeight() * spec.screenWidth();
    long megabytes = 512 + capacity * Math.max(1024, frameBytes / 2) / (1 << 20);
    return megabytes + "m";
  }

  /** glibc settings that stop libtorch's page faults (why: in k8s/learner-malloc.env). */
  private static Map<String, String> learnerMallocSettings() throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    Path file = LocalServices.home().resolve("k8s/learner-malloc.env");
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.trim();
        int eq = trimmed.indexOf('=');
        if (!trimmed.startsWith("#") && eq > 0) {
          settings.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
      }
    }
    return settings;
  }

  private static void requireGame(ServiceClients clients, String game) {
    TreeSet<String> games = new TreeSet<>();
    clients.env().listGames(ListGamesRequest.getDefaultInstance()).getGamesList().forEach(g -> games.add(g.getName()));
    if (!games.contains(game)) {
      throw new Args.UsageException(
          "unknown game '" + game + "'; closest: " + String.join(", ", Suggestions.closest(game, games, 5))
              + " (dqn train catch is the one-minute demo)");
    }
  }

  /**
   * Starts the actors and follows the run until the budget, Ctrl-C, or a service that keeps dying;
   * a service that dies meanwhile is restarted (the actors too, from where the run stood).
   */
  private int follow(
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
