package dqn.env;

import dqn.env.ale.AleHome;
import dqn.env.ale.NativeLoader;
import java.nio.file.Path;

/** The real ALE for tests: the folder scripts/fetch-ale.sh made, loaded once per test JVM. */
public final class TestAle {

  private TestAle() {}

  /** The ALE folder; fails (never skips) with the fix when it is missing. */
  public static AleHome home() {
    Path root =
        AleHome.discover(Path.of(System.getProperty("user.dir")))
            .orElseThrow(
                () -> new IllegalStateException("no .cache/ale found: " + AleHome.FIX));
    return AleHome.at(root);
  }

  /** The ALE folder, with ALE loaded into this JVM. */
  public static AleHome loaded() {
    AleHome home = home();
    NativeLoader.load(home, NativeLoader.DEFAULT_PYTHON_LIBRARY);
    return home;
  }

  public static Path rom(String game) {
    return loaded().romDirectory().resolve(game + ".bin");
  }
}
