package dqn.cli;

import com.google.protobuf.UnsafeByteOperations;
import dqn.cli.report.GifWriter;
import dqn.client.inference.InferenceClient;
import dqn.runspec.RunSpec;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.CloseSessionRequest;
import dqn.v1.CreateSessionRequest;
import dqn.v1.CreateSessionResponse;
import dqn.v1.DType;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.GetFrameRequest;
import dqn.v1.GetFrameResponse;
import dqn.v1.PreprocessingOptions;
import dqn.v1.ResetRequest;
import dqn.v1.SessionAction;
import dqn.v1.StepRequest;
import dqn.v1.StepResponse;
import dqn.v1.StepResult;
import dqn.v1.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Plays whole games with a model at the inference-service on env-service sessions, several games
 * side by side in one batched request per step, with epsilon-greedy choices made here; writes a
 * GIF of the first game from the raw RGB screens.
 */
final class Evaluator {

  /** Games played side by side. */
  private static final int PARALLEL_SESSIONS = 8;

  /** How the games are played: the training preprocessing with whole games, or Machado et al. */
  record Protocol(String name, PreprocessingOptions options) {

    /** The run's preprocessing, scoring whole games (no life-loss terminal). */
    static Protocol standard(RunSpec spec) {
      return new Protocol("standard", options(spec).setTerminalOnLifeLoss(false).build());
    }

    /**
     * Machado et al. (2018): sticky actions 0.25, no life-loss signal, a 108,000-frame cap. The
     * action set stays the model's (the minimal set) so that its outputs keep their meaning.
     */
    static Protocol machado(RunSpec spec) {
      return new Protocol(
          "machado",
          options(spec)
              .setRepeatActionProbability(0.25f)
              .setTerminalOnLifeLoss(false)
              .setNoopMax(0)
              .setMaxEpisodeFrames(108_000)
              .build());
    }

    static Protocol named(String name, RunSpec spec) {
      return switch (name) {
        case "standard" -> standard(spec);
        case "machado" -> machado(spec);
        default -> throw new Args.UsageException("--protocol must be standard or machado, got '" + name + "'");
      };
    }

    private static PreprocessingOptions.Builder options(RunSpec spec) {
      return PreprocessingOptions.newBuilder()
          .setFrameSkip(spec.frameSkip())
          .setFrameStack(spec.frameStack())
          .setScreenHeight(spec.screenHeight())
          .setScreenWidth(spec.screenWidth())
          .setNoopMax(Integer.parseInt(spec.get("preprocessing.noop-max")))
          .setFireOnReset(Boolean.parseBoolean(spec.get("preprocessing.fire-on-reset")))
          .setRepeatActionProbability(Float.parseFloat(spec.get("preprocessing.repeat-action-probability")))
          .setMaxEpisodeFrames(Integer.parseInt(spec.get("preprocessing.max-episode-frames")));
    }
  }

  /** What an evaluation found. */
  record Result(String protocol, double epsilon, List<Double> returns, long modelVersion, Path gif, int gifFrames) {
    double mean() {
      return returns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1). */
    double sd() {
      double mean = mean();
      int n = returns.size();
      if (n < 2) {
        return 0;
      }
      double squares = returns.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum();
      return Math.sqrt(squares / (n - 1));
    }
  }

  private Evaluator() {}

  /**
   * @param env the env-service
   * @param inference the model's server; not asked when {@code epsilon} is 1 (random play)
   * @param version the model version, 0 for the live one
   * @param gif where the first game goes, or null for none
   */
  static Result play(
      Supplier<EnvServiceGrpc.EnvServiceBlockingStub> env,
      InferenceClient inference,
      String game,
      String model,
      long version,
      Protocol protocol,
      int games,
      double epsilon,
      long seed,
      Path gif)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    boolean randomPlay = epsilon >= 1;
    int parallel = Math.min(games, PARALLEL_SESSIONS);
    List<String> sessions = new ArrayList<>();
    List<byte[]> observations = new ArrayList<>();
    List<Long> observationShape = null;
    int actionCount = 0;
    List<Double> returns = new ArrayList<>();
    long modelVersion = 0;
    GifWriter writer = null;
    try {
      for (int i = 0; i < parallel; i++) {
        CreateSessionResponse created =
            env.get()
                .createSession(
                    CreateSessionRequest.newBuilder()
                        .setGame(game)
                        .setSeed(seed + i)
                        .setOptions(protocol.options())
                        .build());
        sessions.add(created.getSessionId());
        observations.add(created.getObservation().getData().toByteArray());
        observationShape = created.getObservationShapeList();
        actionCount = created.getActionsCount();
      }
      boolean[] active = new boolean[parallel];
      java.util.Arrays.fill(active, true);
      double[] sums = new double[parallel];
      int started = parallel;
      boolean recording = gif != null;
      if (recording) {
        GetFrameResponse first = frame(env, sessions.get(0));
        writer = new GifWriter(gif, first.getHeight(), first.getWidth(), gifSettings(game, first));
        writer.append(first.getRgb().toByteArray());
      }
      int obsBytes = observations.get(0).length;
      while (returns.size() < games) {
        List<Integer> playing = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
          if (active[i]) {
            playing.add(i);
          }
        }
        byte[] batch = new byte[playing.size() * obsBytes];
        for (int j = 0; j < playing.size(); j++) {
          System.arraycopy(observations.get(playing.get(j)), 0, batch, j * obsBytes, obsBytes);
        }
        Tensor.Builder tensor = Tensor.newBuilder().setDtype(DType.DTYPE_UINT8).addShape(playing.size());
        observationShape.forEach(tensor::addShape);
        // Random play (epsilon 1) needs no model: the baseline is measured without one.
        ActResponse answer =
            randomPlay
                ? null
                : inference.act(
                    ActRequest.newBuilder()
                        .setModel(model)
                        .setVersion(version)
                        .setObservations(tensor.setData(UnsafeByteOperations.unsafeWrap(batch)))
                        .build());
        if (answer != null) {
          modelVersion = answer.getModelVersion();
        }
        StepRequest.Builder step = StepRequest.newBuilder();
        for (int j = 0; j < playing.size(); j++) {
          int action =
              random.nextDouble() < epsilon ? random.nextInt(actionCount) : answer.getGreedyActions(j);
          step.addActions(SessionAction.newBuilder().setSessionId(sessions.get(playing.get(j))).setAction(action));
        }
        StepResponse stepped = env.get().step(step.build());
        for (int j = 0; j < playing.size(); j++) {
          int i = playing.get(j);
          StepResult result = stepped.getResults(j);
          sums[i] += result.getReward();
          observations.set(i, result.getObservation().getData().toByteArray());
          boolean gameEnded = result.hasEpisode() || result.getTruncated() || result.getGameOver();
          if (recording && i == 0) {
            writer.append(frame(env, sessions.get(0)).getRgb().toByteArray());
          }
          if (!gameEnded && !result.getTerminated()) {
            continue;
          }
          if (gameEnded) {
            returns.add(result.hasEpisode() ? result.getEpisode().getEpisodeReturn() : sums[i]);
            sums[i] = 0;
            if (i == 0 && recording) {
              recording = false;
            }
          }
          if (gameEnded && started >= games) {
            active[i] = false;
          } else {
            if (gameEnded) {
              started++;
            }
            observations.set(
                i,
                env.get()
                    .reset(ResetRequest.newBuilder().setSessionId(sessions.get(i)).build())
                    .getObservation()
                    .getData()
                    .toByteArray());
          }
        }
      }
    } finally {
      if (writer != null) {
        writer.close();
      }
      for (String session : sessions) {
        try {
          env.get().closeSession(CloseSessionRequest.newBuilder().setSessionId(session).build());
        } catch (RuntimeException alreadyClosed) {
          // The service may be stopping; its sessions go with it.
        }
      }
    }
    List<Double> played = returns.subList(0, Math.min(games, returns.size()));
    return new Result(
        protocol.name(), epsilon, List.copyOf(played), modelVersion, gif, writer == null ? 0 : writer.framesWritten());
  }

  private static GetFrameResponse frame(Supplier<EnvServiceGrpc.EnvServiceBlockingStub> env, String session) {
    return env.get().getFrame(GetFrameRequest.newBuilder().setSessionId(session).build());
  }

  /**
   * One screen per agent step. Atari: every second one at 130 ms, about real time for a frame skip
   * of 4 at 60 Hz, at the screen's own size (a Pong game stays a few MB); the small built-in game:
   * every step, slow enough to follow, four times its size.
   */
  private static GifWriter.Settings gifSettings(String game, GetFrameResponse frame) {
    return RunSpec.family(game).equals("atari")
        ? new GifWriter.Settings(130, 1, 2)
        : new GifWriter.Settings(150, frame.getHeight() < 150 ? 4 : 1, 1);
  }
}
