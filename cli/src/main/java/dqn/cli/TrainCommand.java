package dqn.cli;

import dqn.cli.report.RunCsv;
import dqn.cli.report.RunProgress;
import dqn.runspec.RunSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dqn train <game>}: the closed loop on one machine. Resolves the run directory and the run
 * specification, starts the four services ({@link TrainingServices}; or drives ones started
 * elsewhere) and a local redis-server when asked, and hands the run to {@link RunFollower} until the
 * frame budget or Ctrl-C. The same command with the same {@code --run} resumes.
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
        endpoints = TrainingServices.start(services, spec, runDir, specFile, name, redisUri, out);
      }
      endpoints.write(runDir.resolve("services.properties"));
      try (ServiceClients clients = new ServiceClients(endpoints)) {
        if (given != null) {
          TrainingServices.requireGame(clients, game);
        }
        return new RunFollower(out, interrupts, label)
            .follow(clients, new Supervisor(services, redis, maxRestarts, out), spec, runDir, name, progress, args);
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
}
