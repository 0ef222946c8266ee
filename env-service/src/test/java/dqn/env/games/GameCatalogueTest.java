package dqn.env.games;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import dqn.env.preprocess.AtariPreprocessor;
import dqn.env.preprocess.GameEnv;
import dqn.env.preprocess.PreprocessOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GameCatalogueTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());

  @Test
  void holdsEveryRomOfTheWheelUnderItsAleNameAndTheBuiltInGames() {
    // 108 files; combat, joust, maze_craze and warlords are two-player-only ROMs ALE refuses.
    assertEquals(104, CATALOGUE.romCount());
    assertEquals(105, CATALOGUE.size());
    List<String> names = CATALOGUE.names();
    assertTrue(!names.contains("combat"));
    assertTrue(
        names.containsAll(List.of("pong", "breakout", "space_invaders", "montezuma_revenge", "catch")));
    assertEquals(names.stream().sorted().toList(), names);
    assertTrue(CATALOGUE.contains("catch"));
  }

  @Test
  void opensRomsThroughAleAndBuiltInGamesInJava() {
    try (GameEnv pong =
            CATALOGUE.open(CATALOGUE.find("pong").orElseThrow(), PreprocessOptions.DEFAULTS, 1);
        GameEnv catchGame =
            CATALOGUE.open(CATALOGUE.find("catch").orElseThrow(), PreprocessOptions.DEFAULTS, 1)) {
      assertInstanceOf(AtariPreprocessor.class, pong);
      assertInstanceOf(CatchGame.class, catchGame);
      assertEquals(CatchGame.GAME, catchGame.game());
    }
  }

  @Test
  void knowsTheActionSets() {
    Game breakout = CATALOGUE.find("breakout").orElseThrow();
    assertEquals(
        List.of(AtariAction.NOOP, AtariAction.FIRE, AtariAction.RIGHT, AtariAction.LEFT),
        breakout.minimalActions());
    assertEquals(List.of(AtariAction.values()), breakout.fullActions());
    assertEquals(18, CATALOGUE.find("montezuma_revenge").orElseThrow().minimalActions().size());
    Game catchGame = CATALOGUE.find("catch").orElseThrow();
    assertEquals(List.of(AtariAction.NOOP, AtariAction.LEFT, AtariAction.RIGHT), catchGame.minimalActions());
    assertEquals(catchGame.minimalActions(), catchGame.fullActions());
    List<Game> games = CATALOGUE.games();
    assertEquals(CATALOGUE.names(), games.stream().map(Game::name).toList());
    for (Game game : games) {
      assertTrue(game.minimalActions().size() >= 2, game.name());
      assertTrue(game.fullActions().containsAll(game.minimalActions()), game.name());
    }
  }

  @Test
  void namesTheClosestGamesToAWrongName() {
    assertEquals("pong", CATALOGUE.closest("pongg", 3).get(0));
    assertEquals("space_invaders", CATALOGUE.closest("Space Invader", 3).get(0));
    assertTrue(CATALOGUE.closest("breakout", 3).contains("breakout"));
    assertTrue(CATALOGUE.find("pongg").isEmpty());
    assertEquals("catch", CATALOGUE.closest("cach", 3).get(0));
  }

  @Test
  void leavesOutFilesAleDoesNotSupport(@TempDir Path dir) throws IOException {
    Files.copy(TestAle.rom("pong"), dir.resolve("pong.bin"));
    Files.writeString(dir.resolve("garbage.bin"), "not a cartridge");
    // A ROM cannot take a built-in game's name.
    Files.copy(TestAle.rom("breakout"), dir.resolve("catch.bin"));
    GameCatalogue catalogue = GameCatalogue.scan(dir);
    assertEquals(List.of("catch", "pong"), catalogue.names());
    assertEquals(1, catalogue.romCount());
    assertEquals(CatchGame.GAME, catalogue.find("catch").orElseThrow());
    assertEquals(6, catalogue.find("pong").orElseThrow().minimalActions().size());
  }
}
