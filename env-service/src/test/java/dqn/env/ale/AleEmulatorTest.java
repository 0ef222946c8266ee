package dqn.env.ale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AleEmulatorTest {

  @Test
  void pongPlaysToGameOverWithItsActionSets() {
    try (AleEmulator ale = AleEmulator.open()) {
      ale.setInt("random_seed", 7);
      ale.setFloat("repeat_action_probability", 0f);
      ale.loadRom(TestAle.rom("pong"));

      assertEquals(
          List.of(
              AtariAction.NOOP,
              AtariAction.FIRE,
              AtariAction.RIGHT,
              AtariAction.LEFT,
              AtariAction.RIGHTFIRE,
              AtariAction.LEFTFIRE),
          ale.minimalActionSet());
      assertEquals(List.of(AtariAction.values()), ale.legalActionSet());

      SplittableRandom random = new SplittableRandom(1);
      List<AtariAction> actions = ale.minimalActionSet();
      int score = 0;
      int frames = 0;
      while (!ale.gameOver()) {
        score += ale.act(actions.get(random.nextInt(actions.size())));
        frames++;
      }
      // A random player loses Pong 21 points to at most a few.
      assertTrue(score <= -15, "score " + score);
      assertEquals(frames, ale.episodeFrameNumber());

      ale.resetGame();
      assertFalse(ale.gameOver());
      assertEquals(0, ale.episodeFrameNumber());
    }
  }

  @Test
  void grayscaleIsTheLuminanceOfTheRgbScreen() {
    try (AleEmulator ale = AleEmulator.open()) {
      ale.loadRom(TestAle.rom("breakout"));
      assertEquals(5, ale.lives());
      for (int i = 0; i < 200; i++) {
        ale.act(i % 2 == 0 ? AtariAction.FIRE : AtariAction.RIGHT);
      }
      byte[] gray = new byte[AleEmulator.GRAY_BYTES];
      byte[] rgb = new byte[AleEmulator.RGB_BYTES];
      ale.screenGrayscale(gray);
      ale.screenRgb(rgb);
      byte[] expected = new byte[gray.length];
      for (int p = 0; p < gray.length; p++) {
        double luminance =
            0.2989 * (rgb[3 * p] & 0xFF)
                + 0.5870 * (rgb[3 * p + 1] & 0xFF)
                + 0.1140 * (rgb[3 * p + 2] & 0xFF);
        expected[p] = (byte) Math.round(luminance);
      }
      assertArrayEquals(expected, gray);
    }
  }

  @Test
  void nativeFailuresBecomeJavaExceptions(@TempDir Path dir) throws IOException {
    Path bogus = Files.writeString(dir.resolve("bogus.bin"), "not an Atari cartridge");
    try (AleEmulator ale = AleEmulator.open()) {
      AleException noRom = assertThrows(AleException.class, () -> ale.act(AtariAction.NOOP));
      assertTrue(noRom.getMessage().contains("no ROM"), noRom.getMessage());
      AleException missing =
          assertThrows(AleException.class, () -> ale.loadRom(dir.resolve("absent.bin")));
      assertTrue(missing.getMessage().contains("absent.bin"), missing.getMessage());
      AleException unsupported = assertThrows(AleException.class, () -> ale.loadRom(bogus));
      assertFalse(unsupported.getMessage().isBlank());
      assertThrows(AleException.class, () -> ale.setInt("no_such_setting", 1));
      assertThrows(IllegalArgumentException.class, () -> ale.screenGrayscale(new byte[10]));

      // The emulator still works after the failures.
      ale.loadRom(TestAle.rom("pong"));
      assertEquals(0, ale.act(AtariAction.NOOP));
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() {
    AleEmulator ale = AleEmulator.open();
    ale.loadRom(TestAle.rom("pong"));
    ale.close();
    ale.close();
    assertTrue(ale.isClosed());
    assertThrows(IllegalStateException.class, () -> ale.act(AtariAction.NOOP));
    assertThrows(IllegalStateException.class, ale::lives);
    assertThrows(AleException.class, () -> AleNative.lives(12345L));
  }

  static {
    TestAle.loaded();
  }
}
