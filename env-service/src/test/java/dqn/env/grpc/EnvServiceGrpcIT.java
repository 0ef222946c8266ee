package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.v1.ActionInfo;
import dqn.v1.CloseSessionRequest;
import dqn.v1.CreateSessionRequest;
import dqn.v1.CreateSessionResponse;
import dqn.v1.GetFrameRequest;
import dqn.v1.GetFrameResponse;
import dqn.v1.ListGamesRequest;
import dqn.v1.PreprocessingOptions;
import dqn.v1.ResetRequest;
import dqn.v1.ResetResponse;
import dqn.v1.SessionAction;
import dqn.v1.StartActorsRequest;
import dqn.v1.StepRequest;
import dqn.v1.StepResponse;
import dqn.v1.StepResult;
import dqn.v1.WatchActorRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pong, Breakout and the built-in catch played through the gRPC API of the packaged service, over
 * a real socket.
 */
class EnvServiceGrpcIT {

  @TempDir static Path roms;
  private static EnvServer server;
  private final List<String> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = EnvServer.start(roms, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @AfterEach
  void closeSessions() {
    for (String id : opened) {
      try {
        server.blocking.closeSession(CloseSessionRequest.newBuilder().setSessionId(id).build());
      } catch (StatusRuntimeException alreadyClosed) {
        assertEquals(Status.Code.NOT_FOUND, alreadyClosed.getStatus().getCode());
      }
    }
  }

  @Test
  void listsTheGamesOfItsRomFolderAndTheBuiltInOnes() {
    List<dqn.v1.Game> games = server.blocking.listGames(ListGamesRequest.getDefaultInstance()).getGamesList();
    assertEquals(
        List.of("breakout", "catch", "pong", "space_invaders"),
        games.stream().map(dqn.v1.Game::getName).toList());
    dqn.v1.Game catchGame = games.get(1);
    for (List<ActionInfo> actions : List.of(catchGame.getMinimalActionsList(), catchGame.getFullActionsList())) {
      assertEquals(List.of("NOOP", "LEFT", "RIGHT"), actions.stream().map(ActionInfo::getMeaning).toList());
      assertEquals(List.of(0, 4, 3), actions.stream().map(ActionInfo::getEmulatorAction).toList());
      assertEquals(List.of(0, 1, 2), actions.stream().map(ActionInfo::getIndex).toList());
    }
    dqn.v1.Game pong = games.get(2);
    assertEquals(
        List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"),
        pong.getMinimalActionsList().stream().map(ActionInfo::getMeaning).toList());
    assertEquals(18, pong.getFullActionsCount());
    assertEquals(11, pong.getMinimalActions(4).getEmulatorAction());
    assertEquals(4, pong.getMinimalActions(4).getIndex());
  }

  @Test
  void pongPlaysThroughEpisodesWithAutoReset() {
    CreateSessionResponse pong =
        create(
            CreateSessionRequest.newBuilder()
                .setGame("pong")
                .setSeed(1)
                // Short episodes, so that a few hundred steps cross episode ends.
                .setOptions(PreprocessingOptions.newBuilder().setMaxEpisodeFrames(600)));
    assertEquals(List.of(4L, 84L, 84L), pong.getObservationShapeList());
    assertEquals(4 * 84 * 84, pong.getObservation().getData().size());
    assertEquals(6, pong.getActionsCount());
    assertEquals(30, pong.getOptions().getNoopMax());
    assertTrue(pong.getOptions().getFireOnReset());

    Played played = play(pong.getSessionId(), 6, 400, result -> {});
    assertTrue(played.episodes >= 2, "episodes " + played.episodes);
    assertTrue(played.rewardEvents > 0, "Pong scores points within 400 steps");
  }

  @Test
  void breakoutSignalsLifeLossesAndGameOver() {
    CreateSessionResponse breakout =
        create(
            CreateSessionRequest.newBuilder()
                .setGame("breakout")
                .setSeed(2)
                .setOptions(PreprocessingOptions.newBuilder().setTerminalOnLifeLoss(true)));
    assertEquals(5, breakout.getLives());
    List<StepResult> lifeLosses = new ArrayList<>();
    Played played =
        play(breakout.getSessionId(), 4, 700, result -> {
          if (result.getLifeLost()) {
            lifeLosses.add(result);
          }
        });
    assertTrue(lifeLosses.size() >= 5, "life losses " + lifeLosses.size());
    for (StepResult loss : lifeLosses) {
      assertTrue(loss.getTerminated());
      assertTrue(loss.hasResetObservation());
    }
    assertTrue(played.gameOvers >= 1, "a random player loses all five lives in 700 steps");
    assertTrue(played.episodeSummaries >= 1);
  }

  @Test
  void catchPlaysSixStepEpisodesTheSameForTheSameSeed() throws Exception {
    // The options of the catch run specification (dqn/runspec/catch.properties).
    CreateSessionRequest.Builder request =
        CreateSessionRequest.newBuilder()
            .setGame("catch")
            .setSeed(21)
            .setOptions(
                PreprocessingOptions.newBuilder().setFrameSkip(1).setFrameStack(2).setFireOnReset(false));
    CreateSessionResponse first = create(request);
    CreateSessionResponse second = create(request);
    assertEquals(List.of(2L, 84L, 84L), first.getObservationShapeList());
    assertEquals(3, first.getActionsCount());
    assertEquals(0, first.getLives());
    assertEquals(0, first.getOptions().getNoopMax(), "catch takes no no-ops");
    assertEquals(first.getObservation(), second.getObservation());

    // The first session through Step, the second through StepStream, the same actions.
    SplittableRandom random = new SplittableRandom(13);
    List<Integer> actions = new ArrayList<>();
    List<StepResult> unary = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      actions.add(random.nextInt(3));
      unary.add(step(first.getSessionId(), actions.get(i), true));
    }
    LinkedBlockingQueue<StepResponse> streamed = new LinkedBlockingQueue<>();
    StreamObserver<StepRequest> requests =
        server.async.stepStream(
            new StreamObserver<>() {
              @Override
              public void onNext(StepResponse response) {
                streamed.add(response);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    for (int action : actions) {
      requests.onNext(
          StepRequest.newBuilder()
              .addActions(
                  SessionAction.newBuilder().setSessionId(second.getSessionId()).setAction(action).setAutoReset(true))
              .build());
    }
    requests.onCompleted();

    for (int i = 0; i < 60; i++) {
      StepResult result = unary.get(i);
      StepResponse other = streamed.poll(30, TimeUnit.SECONDS);
      assertNotNull(other, "stream answer " + i);
      StepResult same = other.getResults(0);
      assertEquals(result.getObservation(), same.getObservation(), "step " + i);
      assertEquals(result.getReward(), same.getReward());
      assertEquals(result.getResetObservation(), same.getResetObservation());
      assertEquals(2 * 84 * 84, result.getObservation().getData().size());
      boolean end = i % 6 == 5;
      assertEquals(end, result.getTerminated(), "step " + i);
      assertEquals(end, result.getGameOver());
      assertFalse(result.getTruncated() || result.getLifeLost());
      assertEquals(end, result.hasResetObservation());
      if (end) {
        assertEquals(1f, Math.abs(result.getReward()));
        assertEquals(result.getReward(), (float) result.getEpisode().getEpisodeReturn());
        assertEquals(6, result.getEpisode().getSteps());
        assertEquals(6, result.getEpisode().getFrames());
      } else {
        assertEquals(0f, result.getReward());
        assertFalse(result.hasEpisode());
      }
    }

    GetFrameResponse frame =
        server.blocking.getFrame(GetFrameRequest.newBuilder().setSessionId(first.getSessionId()).build());
    assertEquals(84, frame.getHeight());
    assertEquals(84, frame.getWidth());
    assertEquals(84 * 84 * 3, frame.getRgb().size());
    ResetResponse seeded =
        server.blocking.reset(ResetRequest.newBuilder().setSessionId(first.getSessionId()).setSeed(21).build());
    assertEquals(first.getObservation(), seeded.getObservation());

    StatusRuntimeException tooSmall =
        assertThrows(
            StatusRuntimeException.class,
            () -> create(CreateSessionRequest.newBuilder().setGame("catch")
                .setOptions(PreprocessingOptions.newBuilder().setScreenHeight(6))));
    assertEquals(Status.Code.INVALID_ARGUMENT, tooSmall.getStatus().getCode());
    assertTrue(tooSmall.getStatus().getDescription().contains("7x7 grid"), tooSmall.getMessage());
  }

  @Test
  void stepsEightSessionsPerCall() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(
          create(CreateSessionRequest.newBuilder().setGame(i % 2 == 0 ? "pong" : "breakout").setSeed(i))
              .getSessionId());
    }
    SplittableRandom random = new SplittableRandom(5);
    for (int call = 0; call < 60; call++) {
      StepRequest.Builder request = StepRequest.newBuilder();
      for (int i = 0; i < 8; i++) {
        request.addActions(
            SessionAction.newBuilder()
                .setSessionId(ids.get(i))
                .setAction(random.nextInt(i % 2 == 0 ? 6 : 4))
                .setAutoReset(true));
      }
      StepResponse response = server.blocking.step(request.build());
      assertEquals(8, response.getResultsCount());
      for (int i = 0; i < 8; i++) {
        assertEquals(ids.get(i), response.getResults(i).getSessionId());
        assertEquals(4 * 84 * 84, response.getResults(i).getObservation().getData().size());
      }
    }
  }

  @Test
  void stepStreamAnswersEachRequestInOrderAndEndsOnABadOne() throws Exception {
    String a = create(CreateSessionRequest.newBuilder().setGame("pong").setSeed(3).setLatestFrameOnly(true)).getSessionId();
    String b = create(CreateSessionRequest.newBuilder().setGame("breakout").setSeed(4)).getSessionId();
    LinkedBlockingQueue<StepResponse> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<StepRequest> requests =
        server.async.stepStream(
            new StreamObserver<>() {
              @Override
              public void onNext(StepResponse response) {
                answers.add(response);
              }

              @Override
              public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                end.complete(Status.OK);
              }
            });
    for (int i = 0; i < 200; i++) {
      requests.onNext(
          StepRequest.newBuilder()
              .addActions(SessionAction.newBuilder().setSessionId(a).setAction(i % 6).setAutoReset(true))
              .addActions(SessionAction.newBuilder().setSessionId(b).setAction(i % 4).setAutoReset(true))
              .build());
    }
    for (int i = 0; i < 200; i++) {
      StepResponse response = answers.poll(30, TimeUnit.SECONDS);
      assertNotNull(response, "answer " + i);
      assertEquals(List.of(1L, 84L, 84L), response.getResults(0).getObservation().getShapeList());
      assertEquals(84 * 84, response.getResults(0).getObservation().getData().size());
      assertEquals(b, response.getResults(1).getSessionId());
    }
    requests.onNext(
        StepRequest.newBuilder().addActions(SessionAction.newBuilder().setSessionId(a).setAction(6)).build());
    Status status = end.get(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    assertTrue(status.getDescription().contains("0..5"), status.getDescription());
    requests.onCompleted();
  }

  @Test
  void resetsAndReturnsRgbFrames() {
    String id = create(CreateSessionRequest.newBuilder().setGame("pong").setSeed(6)).getSessionId();
    GetFrameResponse frame = server.blocking.getFrame(GetFrameRequest.newBuilder().setSessionId(id).build());
    assertEquals(210, frame.getHeight());
    assertEquals(160, frame.getWidth());
    assertEquals(210 * 160 * 3, frame.getRgb().size());

    ResetResponse seeded = server.blocking.reset(ResetRequest.newBuilder().setSessionId(id).setSeed(6).build());
    ResetResponse again = server.blocking.reset(ResetRequest.newBuilder().setSessionId(id).setSeed(6).build());
    assertEquals(seeded.getObservation(), again.getObservation());
    assertEquals(4 * 84 * 84, seeded.getObservation().getData().size());
  }

  @Test
  void badRequestsGetTheRightStatus() {
    StatusRuntimeException unknown =
        assertThrows(StatusRuntimeException.class, () -> create(CreateSessionRequest.newBuilder().setGame("pongg")));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertTrue(unknown.getStatus().getDescription().contains("pong"), unknown.getMessage());

    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(CreateSessionRequest.newBuilder()));
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> create(CreateSessionRequest.newBuilder().setGame("pong")
            .setOptions(PreprocessingOptions.newBuilder().setFrameSkip(0))));

    String id =
        create(CreateSessionRequest.newBuilder().setGame("pong").setSeed(7)
            .setOptions(PreprocessingOptions.newBuilder().setMaxEpisodeFrames(20))).getSessionId();
    assertCode(Status.Code.INVALID_ARGUMENT, () -> step(id, 6, false));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> step(id, -1, false));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> server.blocking.step(StepRequest.getDefaultInstance()));
    assertCode(Status.Code.NOT_FOUND, () -> step("no-such-session", 0, false));
    // Above the Vert.x gRPC server's own 256 KiB limit, below the configured 4 MiB: read and answered.
    assertCode(Status.Code.NOT_FOUND, () -> step("x".repeat(1 << 20), 0, false));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> step("", 0, false));

    StepResult last = step(id, 0, false);
    while (!last.getTruncated()) {
      last = step(id, 0, false);
    }
    assertCode(Status.Code.FAILED_PRECONDITION, () -> step(id, 0, false));
    server.blocking.reset(ResetRequest.newBuilder().setSessionId(id).build());
    step(id, 0, false);

    server.blocking.closeSession(CloseSessionRequest.newBuilder().setSessionId(id).build());
    assertCode(Status.Code.NOT_FOUND, () -> step(id, 0, false));
    assertCode(Status.Code.NOT_FOUND, () -> server.blocking.getFrame(GetFrameRequest.newBuilder().setSessionId(id).build()));
    assertCode(
        Status.Code.NOT_FOUND,
        () -> server.blocking.startActors(StartActorsRequest.newBuilder().setGame("pongg").build()));
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> server.blocking.startActors(StartActorsRequest.newBuilder().setNumActors(0).build()));
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> server.blocking.startActors(StartActorsRequest.newBuilder().setModel("no spaces").build()));
    assertCode(
        Status.Code.FAILED_PRECONDITION,
        () -> server.blocking.watchActor(WatchActorRequest.getDefaultInstance()).hasNext());
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> server.blocking.watchActor(WatchActorRequest.newBuilder().setFramesPerSecond(100).build()).hasNext());
  }

  @Test
  void refusesSessionsBeyondTheLimit() {
    StatusRuntimeException full = null;
    for (int i = 0; i <= EnvServer.MAX_SESSIONS && full == null; i++) {
      try {
        create(CreateSessionRequest.newBuilder().setGame("space_invaders").setSeed(i)
            .setOptions(PreprocessingOptions.newBuilder().setNoopMax(0)));
      } catch (StatusRuntimeException e) {
        full = e;
      }
    }
    assertNotNull(full, "the limit was not enforced");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
    assertTrue(full.getStatus().getDescription().contains("dqn.env.sessions.max"));
  }

  private CreateSessionResponse create(CreateSessionRequest.Builder request) {
    CreateSessionResponse response = server.blocking.createSession(request.build());
    opened.add(response.getSessionId());
    return response;
  }

  private static StepResult step(String id, int action, boolean autoReset) {
    return server.blocking
        .step(StepRequest.newBuilder()
            .addActions(SessionAction.newBuilder().setSessionId(id).setAction(action).setAutoReset(autoReset))
            .build())
        .getResults(0);
  }

  private static Played play(String id, int actions, int steps, Consumer<StepResult> each) {
    SplittableRandom random = new SplittableRandom(11);
    Played played = new Played();
    for (int i = 0; i < steps; i++) {
      StepResult result = step(id, random.nextInt(actions), true);
      each.accept(result);
      assertEquals(Math.signum(result.getReward()), result.getClippedReward());
      if (result.getReward() != 0) {
        played.rewardEvents++;
      }
      if (result.getTerminated() || result.getTruncated()) {
        played.episodes++;
        assertTrue(result.hasResetObservation());
        assertEquals(4 * 84 * 84, result.getResetObservation().getData().size());
      } else {
        assertFalse(result.hasResetObservation());
      }
      if (result.getGameOver()) {
        played.gameOvers++;
      }
      if (result.hasEpisode()) {
        played.episodeSummaries++;
        assertTrue(result.getEpisode().getFrames() > 0);
      }
    }
    return played;
  }

  private static void assertCode(Status.Code expected, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(expected, e.getStatus().getCode(), e.getMessage());
    if (expected != Status.Code.UNIMPLEMENTED) {
      assertFalse(e.getStatus().getDescription() == null || e.getStatus().getDescription().isBlank());
    }
  }

  private static final class Played {
    int episodes;
    int gameOvers;
    int episodeSummaries;
    int rewardEvents;
  }
}
