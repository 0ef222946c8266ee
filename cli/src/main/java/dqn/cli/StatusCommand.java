package dqn.cli;

import dqn.v1.ActorStatus;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetStatsRequest;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerStatus;
import dqn.v1.ListModelsResponse;
import dqn.v1.ReplayStats;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/** {@code dqn status}: each service of a run, SERVING or not, and what it reports. */
final class StatusCommand {

  static final Set<String> OPTIONS = Set.of("run", "env", "replay", "learner", "inference", "runs-dir");
  static final Set<String> FLAGS = Set.of();

  static final String USAGE =
      """
      usage: dqn status (--run NAME | --env HOST:PORT --replay HOST:PORT --learner HOST:PORT --inference HOST:PORT)
        --run NAME   a run that is training now (its services.properties says where its services are)
      """;

  private final PrintStream out;

  StatusCommand(PrintStream out) {
    this.out = out;
  }

  int run(Args args) throws Exception {
    Endpoints endpoints;
    if (args.option("run").isPresent()) {
      Path runsDir = Path.of(args.option("runs-dir").orElse(LocalServices.home().resolve("runs").toString()));
      Path file = runsDir.resolve(args.option("run").get()).resolve("services.properties");
      if (!Files.exists(file)) {
        throw new Args.UsageException(
            "run " + args.option("run").get() + " is not training now (no " + file + "); give the services' addresses instead");
      }
      endpoints = Endpoints.read(file);
    } else {
      for (String option : new String[] {"env", "replay", "learner", "inference"}) {
        if (args.option(option).isEmpty()) {
          throw new Args.UsageException("dqn status needs --run or all four addresses\n" + USAGE);
        }
      }
      endpoints =
          new Endpoints(args.option("env").get(), args.option("replay").get(), args.option("learner").get(), args.option("inference").get());
    }
    boolean allServing = true;
    try (ServiceClients clients = new ServiceClients(endpoints)) {
      allServing &= line("env-service", endpoints.env(), () -> actors(clients.env().getActorStatus(
          GetActorStatusRequest.newBuilder().setEpisodesAfter(-1).build())));
      allServing &= line("replay-service", endpoints.replay(), () -> replay(clients.replay().getStats(GetStatsRequest.getDefaultInstance())));
      allServing &= line("learner-service", endpoints.learner(), () -> learner(clients.learner().getStatus(GetStatusRequest.getDefaultInstance())));
      allServing &= line("inference-service", endpoints.inference(), () -> models(clients.inference.listModels()));
    }
    return allServing ? 0 : 1;
  }

  private boolean line(String name, String target, Supplier<String> details) {
    String health = ServiceClients.health(target);
    String text;
    try {
      text = health.equals("SERVING") ? details.get() : "";
    } catch (StatusRuntimeException e) {
      text = "(" + e.getStatus().getCode() + ": " + e.getStatus().getDescription() + ")";
    }
    out.printf("%-18s %-22s %s  %s%n", name, target, health, text);
    return health.equals("SERVING");
  }

  private static String actors(ActorStatus a) {
    return a.getRunning()
        ? String.format(Locale.ROOT, "actors: %d x %s, %,d frames, %.0f fps, %,d games, return(100) %.2f, eps %.3f, model v%d%s",
            a.getNumActors(), a.getGame(), a.getFrames(), a.getFramesPerSecond(), a.getEpisodes(), a.getRecentMeanReturn(),
            a.getEpsilon(), a.getModelVersion(), a.getProblem().isEmpty() ? "" : " (" + a.getProblem() + ")")
        : "actors: not running";
  }

  private static String replay(ReplayStats r) {
    return String.format(Locale.ROOT, "%s store, %,d of %,d transitions, %.0f inserts/s, %.0f samples/s",
        r.getStore(), r.getSize(), r.getCapacity(), r.getInsertsPerSecond(), r.getSamplesPerSecond());
  }

  private static String learner(LearnerStatus l) {
    return String.format(Locale.ROOT, "%s, update %,d, %.1f upd/s, loss %.4f, data wait %.0f%%, %s%s",
        l.getState().name().replace("LEARNER_STATE_", "").toLowerCase(Locale.ROOT), l.getUpdateStep(), l.getUpdatesPerSecond(),
        l.getLoss(), 100 * l.getDataWaitFraction(), l.getDevice(), l.getReason().isEmpty() ? "" : " (" + l.getReason() + ")");
  }

  private static String models(ListModelsResponse models) {
    StringBuilder s = new StringBuilder();
    models.getModelsList().forEach(m -> s.append(s.length() == 0 ? "" : ", ").append(m.getModel()).append(" live v").append(m.getLiveVersion()));
    return s.length() == 0 ? "no models yet" : s.toString();
  }
}
