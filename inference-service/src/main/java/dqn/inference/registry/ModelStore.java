package dqn.inference.registry;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model folder on disk: {@code <root>/<model>/v<N>.onnx} with {@code v<N>.properties} beside it
 * (checksum, size, upload time, uploader's properties) and {@code <root>/<model>/live} naming the
 * live version. Every file appears by an atomic rename, so a crash leaves either the old or the new
 * state; half-written uploads end in {@code .part} and are removed at start.
 */
final class ModelStore {

  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d{1,18})\\.properties");
  private static final String LIVE_FILE = "live";
  private static final String PART_SUFFIX = ".part";
  private static final String PROPERTY_PREFIX = "property.";

  private final Path root;

  ModelStore(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the model folder " + root.toAbsolutePath(), e);
    }
  }

  /** Names of the model folders, sorted. */
  List<String> models() throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(ModelNames::isValid)
          .sorted()
          .toList();
    }
  }

  /** Versions of a model that have both their file and their properties, oldest first. */
  List<StoredVersion> versions(String model) throws IOException {
    List<StoredVersion> versions = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve(model))) {
      for (Path file : files) {
        Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
        if (m.matches() && Files.isRegularFile(onnxFile(model, Long.parseLong(m.group(1))))) {
          versions.add(readProperties(model, Long.parseLong(m.group(1)), file));
        }
      }
    }
    versions.sort((a, b) -> Long.compare(a.version(), b.version()));
    return versions;
  }

  /** Deletes upload files a crash left behind. */
  void removeUnfinishedUploads(String model) throws IOException {
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(root.resolve(model), "*" + PART_SUFFIX)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }

  OptionalLong liveVersion(String model) throws IOException {
    Path live = root.resolve(model).resolve(LIVE_FILE);
    if (!Files.isRegularFile(live)) {
      return OptionalLong.empty();
    }
    String text = Files.readString(live, StandardCharsets.UTF_8).strip();
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** A fresh file to receive an upload into. */
  Path newUploadFile(String model) throws IOException {
    Path folder = Files.createDirectories(root.resolve(model));
    return folder.resolve("upload-" + UUID.randomUUID() + PART_SUFFIX);
  }

  Path onnxFile(String model, long version) {
    return root.resolve(model).resolve("v" + version + ".onnx");
  }

  /** Moves a checked upload into place as {@code version}, properties first. */
  void store(StoredVersion version, Path uploaded) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("sha256", version.sha256());
    properties.setProperty("size-bytes", Long.toString(version.sizeBytes()));
    properties.setProperty("uploaded-unix-ms", Long.toString(version.uploadedUnixMs()));
    version.properties().forEach((k, v) -> properties.setProperty(PROPERTY_PREFIX + k, v));
    Path folder = root.resolve(version.model());
    Path temp = folder.resolve("v" + version.version() + ".properties" + PART_SUFFIX);
    try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      properties.store(out, "model " + version.model() + " version " + version.version());
    }
    move(uploaded, onnxFile(version.model(), version.version()));
    move(temp, propertiesFile(version.model(), version.version()));
  }

  void writeLive(String model, long version) throws IOException {
    Path folder = root.resolve(model);
    Path temp = folder.resolve(LIVE_FILE + PART_SUFFIX);
    Files.writeString(temp, version + "\n", StandardCharsets.UTF_8);
    move(temp, folder.resolve(LIVE_FILE));
  }

  /** Removes a version's properties (so it no longer counts) and then its file. */
  void delete(String model, long version) throws IOException {
    Files.deleteIfExists(propertiesFile(model, version));
    Files.deleteIfExists(onnxFile(model, version));
  }

  private Path propertiesFile(String model, long version) {
    return root.resolve(model).resolve("v" + version + ".properties");
  }

  private static StoredVersion readProperties(String model, long version, Path file)
      throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> uploaderProperties = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith(PROPERTY_PREFIX)) {
        uploaderProperties.put(
            key.substring(PROPERTY_PREFIX.length()), properties.getProperty(key));
      }
    }
    return new StoredVersion(
        model,
        version,
        properties.getProperty("sha256", ""),
        Long.parseLong(properties.getProperty("size-bytes", "0")),
        Long.parseLong(properties.getProperty("uploaded-unix-ms", "0")),
        uploaderProperties);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
