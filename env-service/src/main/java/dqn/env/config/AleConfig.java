package dqn.env.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Where ALE and its ROMs are found. */
@ConfigMapping(prefix = "dqn.env")
public interface AleConfig {

  /**
   * The unpacked ale-py wheel (holding ale_py/_ale_py*.so and ale_py/roms). Unset: the
   * environment variable DQN_ALE_HOME, else the first .cache/ale above the working directory.
   */
  Optional<String> aleHome();

  /** The ROM folder; unset: ale_py/roms in the ALE folder. */
  Optional<String> romDirectory();

  /** libpython 3.11, whose symbols the ALE library needs: a path, or a name the loader finds. */
  @WithDefault("libpython3.11.so.1.0")
  String pythonLibrary();

  /** Read every game's action sets in the background at start (ROM loads take ~130 ms each). */
  @WithDefault("true")
  boolean catalogueWarmUp();
}
