package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.v1.ActorStatus;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetStatsRequest;
import dqn.v1.ModelInfo;
import dqn.v1.ReplayStats;
import dqn.v1.StopActorsRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill drill: {@code dqn train catch --replay redis} runs as its own process while each of its
 * processes is killed with SIGKILL in turn (env-, replay-, learner-, inference-service, then Redis
 * itself). {@code dqn train} restarts each; training must go on and learn, no step the replay
 * acknowledged may be missing, the learner must resume from its checkpoint, the actors must keep
 * acting with their copy of the last model while the inference-service is away, which must serve
 * its last live version again, and {@code metrics.csv} must stay in order. One death
 * more than {@code --max-restarts} allows then stops the run in order.
 */
class KillDrillIT {

  private static final Path HOME = DqnProcess.HOME;
  private static final Path LOGS = HOME.resolve("cli/target/kill-drill-it");
  private static final Duration STEP_WAIT = Duration.ofMinutes(3);
  /** As the loop's learning test: random play scores about -5/7 on catch, a learned policy nearly +1. */
  private static final double LEARNED_RETURN = 0.6;
  private static final int CHECKPOINT_PERIOD_UPDATES = 200;
  /** Updates the learner makes while one checkpoint of the small catch network is written. */
  private static final int CHECKPOINT_WRITE_UPDATES = 20;
  /**
   * Frames the actors must play while the inference-service restarts (a few seconds, at the
   * learner's pace of 100-600 frames/s); without a model copy they play none (one actor step of
   * 8 frames may be in flight at the kill).
   */
  private static final long ACTED_WHILE_AWAY_FRAMES = 64;

  private static final List<String> VICTIMS =
      List.of("env-service", "replay-service", "learner-service", "inference-service", Supervisor.REDIS);

  @TempDir Path runs;

  private Process train;
  private Path log;

  @AfterEach
  void tearDown() throws Exception {
    if (train != null && train.isAlive()) {
      train.destroy();
      if (!train.waitFor(2, TimeUnit.MINUTES)) {
        train.destroyForcibly();
      }
    }
  }

  @Test
  void trainingSurvivesEachOfItsProcessesKilledAndLosesNoAcknowledgedStep() throws Exception {
    Path run = runs.resolve("drill");
    train =
        DqnProcess.start(runs, log = LOGS.resolve("train.log"), Map.of(),
            "train", "catch", "--run", "drill", "--replay", "redis", "--frames", "100000000", "--no-eval",
            "--no-dashboard", "--progress-seconds", "1", "--max-restarts", "1",
            "--set", "checkpoints.period-updates=" + CHECKPOINT_PERIOD_UPDATES);
    await("training with a live model", () -> DqnProcess.newestMetrics(run) != null && DqnProcess.newestMetrics(run).modelVersion() > 0);

    long acknowledgedBefore = 0;
    try (ServiceClients clients = new ServiceClients(Endpoints.read(run.resolve("services.properties")))) {
      for (String victim : VICTIMS) {
        MetricsRow before = DqnProcess.newestMetrics(run);
        if (victim.equals("env-service")) {
          // Its count dies with it: what it had acknowledged so far (the replay holds at least that).
          acknowledgedBefore = answered(() -> actors(clients)).getAcknowledgedSteps();
        }
        long liveBefore = victim.equals("inference-service") ? answered(() -> liveVersion(clients)) : 0;

        kill(run, victim);
        if (victim.equals("inference-service")) {
          // While it is away, the actors keep acting with their copy of the last model it served.
          long framesAtKill = answered(() -> actors(clients)).getFrames();
          await(
              "actors acting while the inference-service is away",
              () -> actors(clients).getFrames() > framesAtKill + ACTED_WHILE_AWAY_FRAMES);
          assertFalse(
              logText().contains("train: inference-service is serving again"),
              "the actors' frames advanced before the inference-service was back:\n" + logText());
          System.out.printf(
              "KillDrillIT: the actors played %d frames while the inference-service was away%n",
              answered(() -> actors(clients)).getFrames() - framesAtKill);
        }
        await(victim + " restarted", () -> logText().contains("train: " + victim + " is serving again"));

        if (victim.equals("inference-service")) {
          long liveAfter = answered(() -> liveVersion(clients));
          assertTrue(liveAfter >= liveBefore, "the restarted inference-service serves version " + liveBefore + " again: " + liveAfter);
        }
        // Training goes on: the actors play and the learner updates past where they were.
        await(
            "training after " + victim + " came back",
            () -> {
              MetricsRow now = DqnProcess.newestMetrics(run);
              return now.frames() > before.frames() + 500 && now.updates() > before.updates() && now.modelVersion() > 0;
            });
      }

      await("catch learned after the drill", () -> last100(run) >= LEARNED_RETURN);

      // Every step the actors' writers saw acknowledged is in the replay.
      ActorStatus stopped = answered(() -> clients.envStopping().stopActors(StopActorsRequest.getDefaultInstance()));
      ReplayStats stats = answered(() -> clients.replay().getStats(GetStatsRequest.getDefaultInstance()));
      long acknowledged = acknowledgedBefore + stopped.getAcknowledgedSteps();
      System.out.printf(
          "KillDrillIT: %d steps acknowledged to the actors (%d before the env-service was killed), %d in the replay%n",
          acknowledged, acknowledgedBefore, stats.getTotalInserted());
      assertTrue(stopped.getAcknowledgedSteps() > 0, "the restarted actors' steps were acknowledged");
      assertTrue(
          stats.getTotalInserted() >= acknowledged,
          "acknowledged steps lost: " + acknowledged + " acknowledged, " + stats.getTotalInserted() + " stored");
    }

    // A second death of one service is one more than --max-restarts 1 allows: the run stops in order.
    kill(run, "inference-service");
    assertTrue(train.waitFor(3, TimeUnit.MINUTES), "dqn train stops after too many restarts");
    assertEquals(1, train.exitValue(), logText());
    String output = logText();
    assertTrue(output.contains("inference-service died 2 times; 1 restarts are allowed"), output);
    assertTrue(output.contains("the learner writes its checkpoint"), output);

    List<MetricsRow> metrics = RunCsv.readMetrics(run);
    for (int i = 1; i < metrics.size(); i++) {
      MetricsRow previous = metrics.get(i - 1);
      MetricsRow row = metrics.get(i);
      assertTrue(row.frames() >= previous.frames(), "frames never go back: row " + i);
      assertTrue(row.wallSeconds() > previous.wallSeconds(), "wall time continues: row " + i);
      // A checkpoint is written in the background: one being written at the kill does not count,
      // so the learner may lose the period plus the few updates made while it was being written.
      assertTrue(
          row.updates() >= previous.updates() - CHECKPOINT_PERIOD_UPDATES - CHECKPOINT_WRITE_UPDATES,
          "the learner resumed from its last checkpoint: updates " + previous.updates() + " then " + row.updates());
    }
    try (Stream<Path> checkpoints = Files.list(run.resolve("checkpoints"))) {
      assertTrue(checkpoints.findAny().isPresent(), "the learner's checkpoints are kept");
    }
  }

  /** SIGKILL, as a crash or the kernel's OOM killer would, to the process named in its pid file. */
  private void kill(Path run, String victim) throws Exception {
    String pidName = victim.equals(Supervisor.REDIS) ? "redis.pid" : victim + ".pid";
    long pid = Long.parseLong(Files.readString(run.resolve("logs").resolve(pidName)).strip());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(victim + " (pid " + pid + ") is not running"));
    System.out.printf("KillDrillIT: SIGKILL to %s (pid %d)%n", victim, pid);
    assertTrue(process.destroyForcibly(), "SIGKILL to " + victim);
    process.onExit().get(30, TimeUnit.SECONDS);
  }

  /** The call's answer once the service answers (a channel reconnects with a backoff of its own). */
  private <T> T answered(Supplier<T> call) throws InterruptedException {
    List<T> answer = new ArrayList<>();
    await(
        "an answer",
        () -> {
          try {
            answer.add(call.get());
            return true;
          } catch (StatusRuntimeException notYet) {
            return false;
          }
        });
    return answer.get(0);
  }

  private static ActorStatus actors(ServiceClients clients) {
    return clients.env().getActorStatus(GetActorStatusRequest.getDefaultInstance());
  }

  private static long liveVersion(ServiceClients clients) {
    return clients.inference.listModels().getModelsList().stream()
        .filter(m -> m.getModel().equals("catch"))
        .mapToLong(ModelInfo::getLiveVersion)
        .findFirst()
        .orElse(0);
  }

  private static double last100(Path run) {
    try {
      List<EpisodeRow> games = RunCsv.readEpisodes(run);
      if (games.size() < 100) {
        return Double.NEGATIVE_INFINITY;
      }
      return games.subList(games.size() - 100, games.size()).stream().mapToDouble(EpisodeRow::episodeReturn).average().orElseThrow();
    } catch (IOException | RuntimeException notYet) {
      return Double.NEGATIVE_INFINITY;
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(train.isAlive(), "dqn train ended while waiting for " + what + ":\n" + logText());
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no " + what + " within " + STEP_WAIT + ":\n" + logText());
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
