package dqn.env.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import dqn.env.preprocess.EpisodeSummary;
import dqn.env.actors.ActorSettings;
import dqn.env.actors.ActorStatusView;
import dqn.env.actors.Exploration;
import dqn.env.actors.FinishedGame;
import dqn.env.preprocess.PreprocessOptions;
import dqn.v1.ActorStatus;
import dqn.v1.EpsilonMode;
import dqn.v1.FinishedEpisode;
import dqn.v1.StartActorsRequest;
import dqn.env.preprocess.StepOutcome;
import dqn.env.session.StepCommand;
import dqn.env.session.StepResult;
import dqn.v1.ActionInfo;
import dqn.v1.DType;
import dqn.v1.PreprocessingOptions;
import dqn.v1.SessionAction;
import dqn.v1.StepRequest;
import dqn.v1.StepResponse;
import dqn.v1.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Conversions between dqn.v1 messages and the env-service's domain objects. */
final class ProtoMapping {

  private ProtoMapping() {}

  /** The request's settings over the standard defaults; impossible values are rejected. */
  static PreprocessOptions options(PreprocessingOptions p) {
    return options(p, PreprocessOptions.DEFAULTS);
  }

  /** The request's settings over the given defaults; impossible values are rejected. */
  static PreprocessOptions options(PreprocessingOptions p, PreprocessOptions d) {
    return new PreprocessOptions(
        p.hasRepeatActionProbability() ? p.getRepeatActionProbability() : d.repeatActionProbability(),
        p.hasFullActionSpace() ? p.getFullActionSpace() : d.fullActionSpace(),
        p.hasFrameSkip() ? p.getFrameSkip() : d.frameSkip(),
        p.hasNoopMax() ? p.getNoopMax() : d.noopMax(),
        p.hasFireOnReset() ? p.getFireOnReset() : d.fireOnReset(),
        p.hasTerminalOnLifeLoss() ? p.getTerminalOnLifeLoss() : d.terminalOnLifeLoss(),
        p.hasMaxEpisodeFrames() ? p.getMaxEpisodeFrames() : d.maxEpisodeFrames(),
        p.hasFrameStack() ? p.getFrameStack() : d.frameStack(),
        p.hasScreenHeight() ? p.getScreenHeight() : d.screenHeight(),
        p.hasScreenWidth() ? p.getScreenWidth() : d.screenWidth());
  }

  static PreprocessingOptions options(PreprocessOptions o) {
    return PreprocessingOptions.newBuilder()
        .setRepeatActionProbability(o.repeatActionProbability())
        .setFullActionSpace(o.fullActionSpace())
        .setFrameSkip(o.frameSkip())
        .setNoopMax(o.noopMax())
        .setFireOnReset(o.fireOnReset())
        .setTerminalOnLifeLoss(o.terminalOnLifeLoss())
        .setMaxEpisodeFrames(o.maxEpisodeFrames())
        .setFrameStack(o.frameStack())
        .setScreenHeight(o.screenHeight())
        .setScreenWidth(o.screenWidth())
        .build();
  }

  static dqn.v1.Game game(Game game) {
    return dqn.v1.Game.newBuilder()
        .setName(game.name())
        .addAllMinimalActions(actions(game.minimalActions()))
        .addAllFullActions(actions(game.fullActions()))
        .build();
  }

  static List<ActionInfo> actions(List<AtariAction> actions) {
    List<ActionInfo> infos = new ArrayList<>(actions.size());
    for (int i = 0; i < actions.size(); i++) {
      AtariAction action = actions.get(i);
      infos.add(
          ActionInfo.newBuilder()
              .setIndex(i)
              .setEmulatorAction(action.aleId())
              .setMeaning(action.name())
              .build());
    }
    return infos;
  }

  /** Wraps {@code data} without copying: the domain hands over fresh arrays it never touches again. */
  static Tensor observation(byte[] data, long[] shape) {
    Tensor.Builder tensor =
        Tensor.newBuilder().setDtype(DType.DTYPE_UINT8).setData(UnsafeByteOperations.unsafeWrap(data));
    for (long dim : shape) {
      tensor.addShape(dim);
    }
    return tensor.build();
  }

  static List<StepCommand> commands(StepRequest request) {
    List<StepCommand> commands = new ArrayList<>(request.getActionsCount());
    for (SessionAction action : request.getActionsList()) {
      commands.add(
          new StepCommand(
              requireSessionId(action.getSessionId()), action.getAction(), action.getAutoReset()));
    }
    return commands;
  }

  static StepResponse response(List<StepResult> results) {
    StepResponse.Builder response = StepResponse.newBuilder();
    for (int i = 0; i < results.size(); i++) {
      StepResult result = results.get(i);
      StepOutcome o = result.outcome();
      dqn.v1.StepResult.Builder r =
          dqn.v1.StepResult.newBuilder()
              .setSessionId(result.sessionId())
              .setObservation(observation(result.observation(), result.observationShape()))
              .setReward(o.reward())
              .setClippedReward(o.clippedReward())
              .setTerminated(o.terminated())
              .setTruncated(o.truncated())
              .setGameOver(o.gameOver())
              .setLifeLost(o.lifeLost())
              .setLives(o.lives())
              .setEpisodeFrames(o.episodeFrames());
      EpisodeSummary episode = o.episode();
      if (episode != null) {
        r.setEpisode(
            dqn.v1.EpisodeSummary.newBuilder()
                .setEpisodeReturn(episode.episodeReturn())
                .setFrames(episode.frames())
                .setSteps(episode.steps()));
      }
      if (result.resetObservation() != null) {
        r.setResetObservation(observation(result.resetObservation(), result.observationShape()));
      }
      response.addResults(r);
    }
    return response.build();
  }

  static String requireSessionId(String sessionId) {
    if (sessionId.isEmpty()) {
      throw new IllegalArgumentException("session_id is required (CreateSession returns it)");
    }
    return sessionId;
  }

  /** A StartActors request over the service's configured actors: every unset field keeps its value. */
  static ActorSettings actorSettings(StartActorsRequest r, ActorSettings configured) {
    String game = r.hasGame() ? r.getGame() : configured.game();
    Exploration exploration = configured.exploration();
    if (r.hasEpsilonMode() && r.getEpsilonMode() == EpsilonMode.EPSILON_MODE_APE_X) {
      exploration = new Exploration.ApeX();
    } else if (r.hasEpsilonMode() || r.hasEpsilonStart() || r.hasEpsilonEnd() || r.hasEpsilonDecayFrames()) {
      Exploration.Linear base =
          exploration instanceof Exploration.Linear linear ? linear : new Exploration.Linear(1, 0.01, 1_000_000);
      exploration =
          new Exploration.Linear(
              r.hasEpsilonStart() ? r.getEpsilonStart() : base.start(),
              r.hasEpsilonEnd() ? r.getEpsilonEnd() : base.end(),
              r.hasEpsilonDecayFrames() ? r.getEpsilonDecayFrames() : base.decayFrames());
    }
    return new ActorSettings(
        game,
        r.hasNumActors() ? r.getNumActors() : configured.actors(),
        r.hasSessionsPerActor() ? r.getSessionsPerActor() : configured.sessionsPerActor(),
        r.hasSeed() ? r.getSeed() : configured.seed(),
        r.hasOptions() ? options(r.getOptions(), configured.options()) : configured.options(),
        r.hasModel() ? r.getModel() : r.hasGame() ? game : configured.model(),
        exploration,
        r.hasReplayStreamPrefix() ? r.getReplayStreamPrefix() : configured.streamPrefix(),
        r.getStartFrames(),
        r.getStartEpisodes());
  }

  static ActorStatus actorStatus(ActorStatusView s, List<FinishedGame> games) {
    ActorStatus.Builder status =
        ActorStatus.newBuilder()
            .setRunning(s.running())
            .setGame(s.game())
            .setNumActors(s.actors())
            .setSessions(s.sessions())
            .setFrames(s.frames())
            .setEpisodes(s.episodes())
            .setFramesPerSecond(s.framesPerSecond())
            .setRecentMeanReturn(s.meanReturn())
            .setRecentMeanClippedReturn(s.meanClippedReturn())
            .setEpsilon((float) s.epsilon())
            .setModelVersion(s.modelVersion())
            .setProblem(s.problem())
            .setInferenceWaitFraction(s.inferenceWaitFraction())
            .setReplayWaitFraction(s.replayWaitFraction())
            .setAcknowledgedSteps(s.acknowledgedSteps());
    for (FinishedGame g : games) {
      status.addFinishedEpisodes(
          FinishedEpisode.newBuilder()
              .setIndex(g.index())
              .setEndFrames(g.endFrames())
              .setEpisodeReturn(g.rawReturn())
              .setClippedReturn(g.clippedReturn())
              .setLengthSteps(g.lengthSteps())
              .setFrames(g.frames())
              .setActor(g.actor())
              .setModelVersion(g.modelVersion()));
    }
    return status.build();
  }
}
