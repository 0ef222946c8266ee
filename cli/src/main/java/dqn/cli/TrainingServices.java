package dqn.cli;

import dqn.runspec.RunSpec;
import dqn.runspec.ServiceWiring;
import dqn.runspec.Suggestions;
import dqn.v1.ListGamesRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The four services of one training run on this machine: started as processes on free loopback
 * ports, each given the run specification and told the others' addresses and the run's directories.
 */
final class TrainingServices {

  private TrainingServices() {}

  /** Starts the four services on free loopback ports, each told the others' addresses. */
  static Endpoints start(
      LocalServices services, RunSpec spec, Path runDir, Path specFile, String name, String redisUri, PrintStream out)
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

    Map<String, String> envProps =
        ServiceWiring.env(inference, replay, Math.max(128, spec.actorCount() * spec.sessionsPerActor() + 32));
    // One Redis may hold several runs' replays.
    Map<String, String> replayProps = ServiceWiring.replay(redisUri, "dqn:" + name);
    Map<String, String> inferenceProps = ServiceWiring.inference(runDir.resolve("models"));
    Map<String, String> learnerProps =
        ServiceWiring.learner(replay, inference, env, runDir.resolve("checkpoints"), runDir.resolve("snapshots"));
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

  static void requireGame(ServiceClients clients, String game) {
    TreeSet<String> games = new TreeSet<>();
    clients.env().listGames(ListGamesRequest.getDefaultInstance()).getGamesList().forEach(g -> games.add(g.getName()));
    if (!games.contains(game)) {
      throw new Args.UsageException(
          "unknown game '" + game + "'; closest: " + String.join(", ", Suggestions.closest(game, games, 5))
              + " (dqn train catch is the one-minute demo)");
    }
  }
}
