package dqn.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that appear whole or not at all: written under a temporary name in the target's directory
 * (so the rename stays on one file system and is atomic), then renamed over the target. A reader
 * (an image viewer refreshing the chart) never sees half a file.
 */
final class AtomicFile {

  private AtomicFile() {}

  /** Writes the contents of a file to the path it is given. */
  @FunctionalInterface
  interface Contents {
    void writeTo(Path file) throws IOException;
  }

  /** Writes {@code contents} to {@code target} atomically, replacing an existing target. */
  static void write(Path target, Contents contents) throws IOException {
    Path temp = tempBeside(target);
    try {
      contents.writeTo(temp);
      commit(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A new empty temporary file beside {@code target}, hidden by its leading dot. */
  static Path tempBeside(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    return Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
  }

  /** Renames {@code temp} over {@code target}; replaces an existing target. */
  static void commit(Path temp, Path target) throws IOException {
    // A temporary file is private to its owner (0600); a chart or a GIF is for anyone to open.
    if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
