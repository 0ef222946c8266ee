package dqn.cli;

import dqn.cli.report.EvalRow;
import dqn.runspec.RunSpec;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code dqn eval}: plays whole games with a model through the inference-service, a run
 * directory's newest snapshot, an ONNX file, or a model already at an inference-service, and
 * reports the raw score's mean ± sd, in {@code eval.csv} too, with a GIF of one game.
 */
final class EvalCommand {

  static final Set<String> OPTIONS =
      Set.of("run", "onnx", "model", "game", "env", "inference", "games", "epsilon", "protocol", "gif", "seed", "runs-dir");
  static final Set<String> FLAGS = Set.of();

  static final String USAGE =
      """
      usage: dqn eval (--run NAME | --onnx FILE --game GAME | --model NAME[:VERSION] --inference HOST:PORT) [options]
        --run NAME            the run directory's newest snapshot (and its run specification)
        --onnx FILE           an ONNX Q-network; --game names the game it plays
        --model NAME[:VER]    a model at the inference-service given by --inference (default: live version)
        --env HOST:PORT       an env-service to play on (default: one started for the evaluation)
        --inference HOST:PORT an inference-service (default: one started for the evaluation)
        --games N             whole games to play (default 30)
        --epsilon E           epsilon-greedy exploration (default 0.05)
        --protocol P          standard (the run's preprocessing, whole games) or machado (sticky
                              actions 0.25, no life-loss signal, 108,000-frame cap)
        --gif FILE            where the GIF of the first game goes (default: in the run directory)
        --seed N              seed of the games and the epsilon draws (default 12345)
      """;


  private final PrintStream out;

  EvalCommand(PrintStream out) {
    this.out = out;
  }

  int run(Args args) throws Exception {
    int sources = (args.option("run").isPresent() ? 1 : 0) + (args.option("onnx").isPresent() ? 1 : 0)
        + (args.option("model").isPresent() ? 1 : 0);
    if (sources != 1) {
      throw new Args.UsageException("dqn eval needs exactly one of --run, --onnx or --model\n" + USAGE);
    }
    int games = (int) args.longOption("games", 30);
    double epsilon = args.doubleOption("epsilon", 0.05);
    if (games < 1 || !(epsilon >= 0 && epsilon <= 1)) {
      throw new Args.UsageException("--games must be at least 1 and --epsilon in [0, 1]");
    }
    long seed = args.longOption("seed", 12_345);
    Path runsDir = Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString()));
    Path runDir = args.option("run").map(name -> runsDir.resolve(name).toAbsolutePath()).orElse(null);
    RunSpec runSpec = null;
    Path onnx = args.option("onnx").map(file -> Path.of(file).toAbsolutePath()).orElse(null);
    if (runDir != null) {
      Path specFile = runDir.resolve("run-spec.properties");
      if (!Files.exists(specFile)) {
        throw new Args.UsageException(runDir + " is not a run directory (it has no run-spec.properties)");
      }
      runSpec = RunSpec.load(specFile);
      onnx = newestSnapshot(runDir.resolve("snapshots"));
    }
    if (onnx != null && !Files.isRegularFile(onnx)) {
      throw new Args.UsageException(onnx + " is not a file");
    }

    Path workDir = runDir != null ? runDir : Path.of("").toAbsolutePath();
    Files.createDirectories(workDir.resolve("logs"));
    LocalServices services = new LocalServices(workDir.resolve("logs"));
    try {
      Map<String, Integer> ports = new HashMap<>();
      List<LocalServices.Spec> needed = new ArrayList<>();
      String env = args.option("env").orElse(null);
      String inference = args.option("inference").orElse(null);
      if (env == null) {
        ports.put("env-service", LocalServices.freePort());
        env = "127.0.0.1:" + ports.get("env-service");
        needed.add(new LocalServices.Spec("env-service", Map.of(), Map.of(), "1g"));
      }
      if (inference == null) {
        if (onnx == null) {
          throw new Args.UsageException("--model needs --inference HOST:PORT, the service that holds it");
        }
        ports.put("inference-service", LocalServices.freePort());
        inference = "127.0.0.1:" + ports.get("inference-service");
        Path store = Files.createTempDirectory("dqn-eval-models");
        store.toFile().deleteOnExit();
        needed.add(
            new LocalServices.Spec(
                "inference-service", Map.of("dqn.inference.registry.model-dir", store.toString()), Map.of(), "1g"));
      }
      if (!needed.isEmpty()) {
        out.println("eval: starting " + needed.stream().map(LocalServices.Spec::module).toList());
        services.start(needed, ports);
      }
      try (ServiceClients clients = new ServiceClients(new Endpoints(env, "127.0.0.1:1", "127.0.0.1:1", inference))) {
        String model;
        long version;
        if (onnx != null) {
          String game = runSpec != null ? runSpec.game() : args.option("game").orElse(null);
          model = "eval-" + (game != null ? game : "model");
          ModelVersionInfo uploaded = clients.inference.upload(model, Files.readAllBytes(onnx), false, Map.of("source", onnx.toString()));
          version = uploaded.getVersion();
          out.printf("eval: %s uploaded as %s version %d%n", onnx, model, version);
        } else {
          String[] parts = args.option("model").get().split(":", 2);
          model = parts[0];
          version = parts.length == 2 ? parseVersion(parts[1]) : 0;
        }
        ModelMetadata metadata = clients.inference.metadata(model, version);
        String game =
            runSpec != null
                ? runSpec.game()
                : args.option("game").or(() -> Optional.ofNullable(metadata.getPropertiesMap().get("dqn.game"))).orElseThrow(
                    () -> new Args.UsageException("the model does not say which game it plays: give --game"));
        RunSpec spec = runSpec != null ? runSpec : RunSpec.forGame(game);
        Evaluator.Protocol protocol = Evaluator.Protocol.named(args.option("protocol").orElse("standard"), spec);
        Path gif =
            args.option("gif").map(Path::of).orElse(workDir.resolve("eval-" + Instant.now().getEpochSecond() + ".gif"));
        out.printf("eval: %d games of %s with %s version %d, epsilon %s, protocol %s%n", games, game, model,
            metadata.getVersion(), epsilon, protocol.name());
        Evaluator.Result result =
            Evaluator.play(clients::env, clients.inference, game, model, metadata.getVersion(), protocol, games, epsilon, seed, gif);
        long frames = parseFrames(metadata.getPropertiesMap().get("dqn.env_frames"));
        report(out, runDir != null ? runDir : workDir, result, frames);
      }
    } finally {
      services.stop(java.time.Duration.ofSeconds(30));
    }
    return 0;
  }

  /** Prints the result and appends it to {@code eval.csv} in {@code dir}. */
  static void report(PrintStream out, Path dir, Evaluator.Result result, long frames) throws IOException {
    out.printf(
        Locale.ROOT,
        "eval: %d games, protocol %s, epsilon %.2f, model version %d: mean %.2f +- %.2f (sd)%n",
        result.returns().size(), result.protocol(), result.epsilon(), result.modelVersion(), result.mean(), result.sd());
    if (result.gif() != null && result.gifFrames() > 0) {
      out.printf("eval: GIF of the first game (%d frames): %s%n", result.gifFrames(), result.gif());
    }
    Path csv = dir.resolve("eval.csv");
    boolean fresh = !Files.exists(csv);
    try (Writer w =
        Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      if (fresh) {
        w.write(EvalRow.CSV_HEADER + "\n");
      }
      w.write(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%s,%s,%d,%s,%s,%s%n",
              Instant.now(),
              frames,
              result.modelVersion(),
              result.protocol(),
              result.epsilon(),
              result.returns().size(),
              result.mean(),
              result.sd(),
              result.gif() == null ? "" : result.gif().getFileName()));
    }
  }

  /** The frames a snapshot was trained on, as its metadata says (0 when it does not). */
  private static long parseFrames(String text) {
    try {
      return text == null ? 0 : Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseVersion(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Args.UsageException("--model NAME:VERSION needs a number after ':', got '" + text + "'");
    }
  }

  private static Path newestSnapshot(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new Args.UsageException(dir + " holds no snapshot yet: train longer (snapshots.period-updates)");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".onnx"))
          .max(Comparator.comparingLong(EvalCommand::modified))
          .orElseThrow(() -> new Args.UsageException(dir + " holds no snapshot yet: train longer"));
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
