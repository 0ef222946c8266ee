package dqn.learner.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionSetLookupTest {

  private static final Map<String, List<String>> GAMES =
      Map.of(
          "pong", List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"),
          "breakout", List.of("NOOP", "FIRE", "RIGHT", "LEFT"),
          "pooyan", List.of("NOOP", "FIRE", "UP", "DOWN", "UPFIRE", "DOWNFIRE"),
          "space_invaders", List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"));

  /** An env-service that is unreachable for its first {@code failures} calls. */
  private static final class Catalog implements GameCatalog {
    final AtomicInteger calls = new AtomicInteger();
    final int failures;

    Catalog(int failures) {
      this.failures = failures;
    }

    @Override
    public Map<String, List<String>> minimalActionSets() {
      if (calls.incrementAndGet() <= failures) {
        throw new EnvUnavailableException("UNAVAILABLE: connection refused", null);
      }
      return GAMES;
    }

    @Override
    public String source() {
      return "the env-service at 127.0.0.1:50051";
    }

    @Override
    public void close() {}
  }

  @Test
  void theActionsAreTheGamesMinimalSetOnceTheEnvServiceAnswers() throws Exception {
    Catalog catalog = new Catalog(3);
    GameActions pong = ActionSetLookup.resolve(catalog, "pong", Duration.ofMillis(1), Duration.ofMillis(4));
    assertEquals(4, catalog.calls.get(), "asked again until the env-service answered");
    assertEquals(6, pong.count());
    assertEquals(GAMES.get("pong"), pong.meanings());
  }

  @Test
  void anUnknownGameIsRefusedWithTheClosestNames() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ActionSetLookup.resolve(new Catalog(0), "pongg", Duration.ofMillis(1), Duration.ofMillis(1)));
    assertTrue(e.getMessage().contains("dqn.learner.network.game=pongg"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:50051"), e.getMessage());
    assertTrue(e.getMessage().contains("closest: pong, pooyan"), e.getMessage());
  }
}
