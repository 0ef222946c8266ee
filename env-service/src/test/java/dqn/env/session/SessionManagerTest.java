package dqn.env.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import dqn.env.games.GameCatalogue;
import dqn.env.preprocess.EpisodeOverException;
import dqn.env.preprocess.PreprocessOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionManagerTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());

  private final ExecutorService workers = Executors.newFixedThreadPool(1);
  private final AtomicLong clock = new AtomicLong();
  private final SessionManager manager =
      new SessionManager(CATALOGUE, new SessionLimits(10, Duration.ofSeconds(60)), workers, 2, clock::get);

  @AfterEach
  void tearDown() {
    manager.close();
    workers.shutdownNow();
  }

  @Test
  void stepsManySessionsInParallelExactlyAsOneByOne() {
    List<Session> batch = new ArrayList<>();
    List<Session> alone = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batch.add(manager.create("pong", OptionalLong.of(i), PreprocessOptions.DEFAULTS, false));
      alone.add(manager.create("pong", OptionalLong.of(i), PreprocessOptions.DEFAULTS, false));
    }
    for (int step = 0; step < 60; step++) {
      List<StepCommand> commands = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        commands.add(new StepCommand(batch.get(i).id(), (step + i) % 6, true));
      }
      List<StepResult> results = manager.step(commands);
      for (int i = 0; i < 4; i++) {
        StepResult single = alone.get(i).step((step + i) % 6, true);
        assertEquals(batch.get(i).id(), results.get(i).sessionId());
        assertEquals(single.outcome(), results.get(i).outcome());
        assertArrayEquals(single.observation(), results.get(i).observation());
      }
    }
  }

  @Test
  void refusesBadInputBeforeAnySessionMoves() {
    Session pong = manager.create("pong", OptionalLong.of(1), PreprocessOptions.DEFAULTS, true);
    assertArrayEquals(new long[] {1, 84, 84}, pong.observationShape());
    assertEquals(84 * 84, pong.observation().length);

    UnknownGameException unknown =
        assertThrows(
            UnknownGameException.class,
            () -> manager.create("pongg", OptionalLong.empty(), PreprocessOptions.DEFAULTS, false));
    assertEquals("pong", unknown.closest().get(0));
    assertTrue(unknown.getMessage().contains("pong"), unknown.getMessage());

    byte[] before = pong.observation();
    assertThrows(
        IllegalArgumentException.class,
        () -> manager.step(List.of(new StepCommand(pong.id(), 0, false), new StepCommand(pong.id(), 1, false))));
    assertThrows(
        IllegalArgumentException.class,
        () -> manager.step(List.of(new StepCommand(pong.id(), 6, false))));
    assertThrows(
        SessionNotFoundException.class,
        () -> manager.step(List.of(new StepCommand(pong.id(), 0, false), new StepCommand("nope", 0, false))));
    assertThrows(IllegalArgumentException.class, () -> manager.step(List.of()));
    assertArrayEquals(before, pong.observation(), "a refused step moves no session");

    manager.close(pong.id());
    assertThrows(SessionNotFoundException.class, () -> manager.close(pong.id()));
    assertThrows(SessionNotFoundException.class, () -> manager.reset(pong.id(), OptionalLong.empty()));
    assertThrows(SessionNotFoundException.class, pong::observation);
  }

  @Test
  void finishedEpisodeNeedsAReset() {
    PreprocessOptions shortEpisodes = PreprocessOptions.DEFAULTS.withMaxEpisodeFrames(40);
    Session session = manager.create("breakout", OptionalLong.of(3), shortEpisodes, false);
    StepResult last = null;
    for (int i = 0; i < 10 && (last == null || !last.outcome().done()); i++) {
      last = manager.step(List.of(new StepCommand(session.id(), 0, false))).get(0);
    }
    assertTrue(last.outcome().truncated());
    assertNotNull(last.outcome().episode());
    assertNull(last.resetObservation());
    assertThrows(
        EpisodeOverException.class,
        () -> manager.step(List.of(new StepCommand(session.id(), 0, false))));

    ResetResult reset = manager.reset(session.id(), OptionalLong.empty());
    assertEquals(5, reset.lives());
    StepResult next = manager.step(List.of(new StepCommand(session.id(), 0, true))).get(0);
    assertTrue(next.outcome().episodeFrames() > 0);
  }

  @Test
  void autoResetReturnsTheNextEpisodesFirstObservation() {
    PreprocessOptions shortEpisodes = PreprocessOptions.DEFAULTS.withMaxEpisodeFrames(40);
    Session session = manager.create("pong", OptionalLong.of(3), shortEpisodes, false);
    StepResult last = session.step(0, true);
    while (!last.outcome().done()) {
      last = session.step(0, true);
    }
    assertNotNull(last.resetObservation());
    assertArrayEquals(last.resetObservation(), session.observation());
    session.step(0, true);
  }

  @Test
  void playsTheBuiltInCatchLikeAnAtariGame() {
    Session session = manager.create("catch", OptionalLong.of(5), PreprocessOptions.DEFAULTS, false);
    assertEquals("catch", session.game().name());
    assertEquals(3, session.actions().size());
    assertArrayEquals(new long[] {4, 84, 84}, session.observationShape());
    assertEquals(84, session.rgbFrameHeight());
    assertEquals(84 * 84 * 3, session.rgbFrame().length);
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      steps.add(manager.step(List.of(new StepCommand(session.id(), i % 3, true))).get(0));
    }
    StepResult last = steps.get(5);
    assertTrue(last.outcome().terminated());
    assertEquals(1f, Math.abs(last.outcome().reward()));
    assertArrayEquals(last.resetObservation(), session.observation());
    assertTrue(steps.subList(0, 5).stream().noneMatch(step -> step.outcome().done()));
  }

  @Test
  void limitsSessionsAndReapsIdleOnes() {
    List<Session> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add(manager.create("pong", OptionalLong.of(i), PreprocessOptions.DEFAULTS, false));
    }
    SessionLimitException full =
        assertThrows(
            SessionLimitException.class,
            () -> manager.create("pong", OptionalLong.empty(), PreprocessOptions.DEFAULTS, false));
    assertTrue(full.getMessage().contains("dqn.env.sessions.max"), full.getMessage());

    clock.addAndGet(Duration.ofSeconds(30).toNanos());
    manager.get(open.get(0).id());
    clock.addAndGet(Duration.ofSeconds(40).toNanos());
    assertEquals(9, manager.reapIdle());
    assertEquals(1, manager.openSessions());
    assertThrows(SessionNotFoundException.class, () -> manager.get(open.get(1).id()));
    assertTrue(open.get(1).isClosed());
    manager.create("pong", OptionalLong.empty(), PreprocessOptions.DEFAULTS, false);
    assertEquals(2, manager.openSessions());
  }
}
