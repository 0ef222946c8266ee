package dqn.env.ale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GameCatalogueTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());

  @Test
  void holdsEveryRomOfTheWheelUnderItsAleName() {
    // 108 files; combat, joust, maze_craze and warlords are two-player-only ROMs ALE refuses.
    assertEquals(104, CATALOGUE.size());
    List<String> names = CATALOGUE.names();
    assertTrue(!names.contains("combat"));
    assertTrue(names.containsAll(List.of("pong", "breakout", "space_invaders", "montezuma_revenge")));
    assertEquals(names.stream().sorted().toList(), names);
  }

  @Test
  void knowsTheActionSets() {
    Game breakout = CATALOGUE.find("breakout").orElseThrow();
    assertEquals(
        List.of(AtariAction.NOOP, AtariAction.FIRE, AtariAction.RIGHT, AtariAction.LEFT),
        breakout.minimalActions());
    assertEquals(List.of(AtariAction.values()), breakout.fullActions());
    assertEquals(18, CATALOGUE.find("montezuma_revenge").orElseThrow().minimalActions().size());
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
  }

  @Test
  void leavesOutFilesAleDoesNotSupport(@TempDir Path dir) throws IOException {
    Files.copy(TestAle.rom("pong"), dir.resolve("pong.bin"));
    Files.writeString(dir.resolve("garbage.bin"), "not a cartridge");
    GameCatalogue catalogue = GameCatalogue.scan(dir);
    assertEquals(List.of("pong"), catalogue.names());
    assertEquals(6, catalogue.find("pong").orElseThrow().minimalActions().size());
  }
}
