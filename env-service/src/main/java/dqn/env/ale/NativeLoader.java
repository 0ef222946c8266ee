package dqn.env.ale;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads the JNI bridge and, through it, the ALE library, once per JVM.
 *
 * <p>The bridge is built by the Maven build into the module's jar as
 * {@value #RESOURCE}; it is copied to a temporary file and loaded from there (a JVM cannot load
 * a library from inside a jar). The system property {@value #OVERRIDE_PROPERTY} or the
 * environment variable {@value #OVERRIDE_VARIABLE} points at another build of it instead.
 */
public final class NativeLoader {

  static final String RESOURCE = "/native/linux-x86_64/libdqn_ale_jni.so";
  static final String OVERRIDE_PROPERTY = "dqn.env.jni-library";
  static final String OVERRIDE_VARIABLE = "DQN_ENV_JNI_LIBRARY";

  /** The libpython the dynamic loader finds by name on Debian/Ubuntu (package libpython3.11). */
  public static final String DEFAULT_PYTHON_LIBRARY = "libpython3.11.so.1.0";

  private static Path loadedAleLibrary;

  private NativeLoader() {}

  /**
   * Makes ALE usable in this JVM. Later calls return at once; the ALE library of the first call
   * stays in effect for the life of the JVM.
   *
   * @param pythonLibrary a path, or a file name the dynamic loader searches for
   * @throws AleException when a library cannot be loaded, with the reason
   */
  public static synchronized void load(AleHome home, String pythonLibrary) {
    if (loadedAleLibrary != null) {
      return;
    }
    System.load(bridgeLibrary().toString());
    AleNative.loadAle(pythonLibrary, home.library().toString());
    loadedAleLibrary = home.library();
  }

  /** The ALE library loaded in this JVM, or null before {@link #load}. */
  public static synchronized Path loadedAleLibrary() {
    return loadedAleLibrary;
  }

  private static Path bridgeLibrary() {
    String override = System.getProperty(OVERRIDE_PROPERTY, System.getenv(OVERRIDE_VARIABLE));
    if (override != null && !override.isBlank()) {
      Path path = Path.of(override).toAbsolutePath();
      if (!Files.isRegularFile(path)) {
        throw new AleException("JNI bridge " + path + " (from " + OVERRIDE_PROPERTY + ") does not exist");
      }
      return path;
    }
    try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new AleException(
            "the JNI bridge " + RESOURCE + " is not on the class path: build env-service with Maven");
      }
      Path dir = Files.createTempDirectory("dqn-ale-jni");
      Path file = dir.resolve("libdqn_ale_jni.so");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the JNI bridge", e);
    }
  }
}
