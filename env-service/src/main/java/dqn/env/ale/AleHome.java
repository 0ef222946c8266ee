package dqn.env.ale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where ALE lives: the unpacked ale-py wheel ({@code scripts/fetch-ale.sh} puts it in
 * {@code .cache/ale}), holding the ALE library {@code ale_py/_ale_py*.so} and the ROMs in
 * {@code ale_py/roms}.
 */
public record AleHome(Path root, Path library, Path romDirectory) {

  /** What every "ALE is missing" message tells the user to do. */
  public static final String FIX = "run scripts/fetch-ale.sh or set DQN_ALE_HOME";

  /** Checks the folder layout; throws {@link IllegalStateException} naming the fix when wrong. */
  public static AleHome at(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute)) {
      throw new IllegalStateException("ALE folder " + absolute + " does not exist: " + FIX);
    }
    Path roms = absolute.resolve("ale_py").resolve("roms");
    if (!Files.isDirectory(roms)) {
      throw new IllegalStateException(
          "ALE folder " + absolute + " has no ROM folder ale_py/roms: " + FIX);
    }
    return new AleHome(absolute, findLibrary(absolute), roms);
  }

  /** The same ALE library with the ROMs of another folder. */
  public AleHome withRomDirectory(Path romDirectory) {
    Path absolute = romDirectory.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute)) {
      throw new IllegalStateException(
          "ROM folder " + absolute + " does not exist: set dqn.env.rom-directory to a folder of"
              + " ALE ROMs (*.bin), or leave it unset to use the ROMs of the ALE folder");
    }
    return new AleHome(root, library, absolute);
  }

  /**
   * The ALE folder to use when none is configured: {@code DQN_ALE_HOME}, else the first
   * {@code .cache/ale} found walking up from {@code start} (so a jar started anywhere in the
   * repository finds the one {@code scripts/fetch-ale.sh} made).
   */
  public static Optional<Path> discover(Path start) {
    String fromEnvironment = System.getenv("DQN_ALE_HOME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return Optional.of(Path.of(fromEnvironment));
    }
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".cache").resolve("ale");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path findLibrary(Path root) {
    Path packageDir = root.resolve("ale_py");
    try (DirectoryStream<Path> libraries = Files.newDirectoryStream(packageDir, "_ale_py*.so")) {
      for (Path library : libraries) {
        return library;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + packageDir, e);
    }
    throw new IllegalStateException(
        "ALE folder " + root + " has no ALE library ale_py/_ale_py*.so: " + FIX);
  }
}
