package dqn.inference.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One upload in progress: bytes are written to a temporary file while their size and SHA-256 are
 * tracked. {@link #commit()} checks them against the header and hands the file to the registry;
 * {@link #close()} without a commit deletes it.
 */
public final class ModelUpload implements AutoCloseable {

  /**
   * Largest slice one upload message may carry: 1 MiB, as the contract says (UploadModelRequest),
   * so that the slices of any file stay far below the largest gRPC message.
   */
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  private final ModelRegistry registry;
  private final UploadSpec spec;
  private final Path file;
  private final FileChannel channel;
  private final MessageDigest digest;
  private long received;
  private boolean finished;

  ModelUpload(ModelRegistry registry, UploadSpec spec, Path file) throws IOException {
    this.registry = registry;
    this.spec = spec;
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  public UploadSpec spec() {
    return spec;
  }

  /** Appends the next slice of the file. */
  public void append(ByteBuffer chunk) {
    requireOpen();
    int length = chunk.remaining();
    if (length > MAX_CHUNK_BYTES) {
      throw new InvalidUploadException(
          "upload chunks are at most "
              + MAX_CHUNK_BYTES
              + " bytes (1 MiB); the upload of model "
              + spec.model()
              + " sent one of "
              + length
              + " bytes: send the file in slices of 1 MiB or less");
    }
    if (received + length > spec.sizeBytes()) {
      throw new InvalidUploadException(
          "the upload of model "
              + spec.model()
              + " sent more than the "
              + spec.sizeBytes()
              + " bytes its header announced (size_bytes)");
    }
    digest.update(chunk.duplicate());
    try {
      while (chunk.hasRemaining()) {
        channel.write(chunk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the upload to " + file, e);
    }
    received += length;
  }

  /**
   * Checks size and checksum, validates the model and stores it as the model's next version.
   *
   * @throws InvalidUploadException when size or checksum differ from the header
   * @throws dqn.inference.model.InvalidModelException when the file is not a usable Q-model
   */
  public VersionView commit() {
    requireOpen();
    finished = true;
    try {
      channel.close();
      if (received != spec.sizeBytes()) {
        throw new InvalidUploadException(
            "the upload of model "
                + spec.model()
                + " ended after "
                + received
                + " bytes; its header announced "
                + spec.sizeBytes()
                + " (size_bytes)");
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      if (!spec.sha256().isEmpty() && !spec.sha256().equalsIgnoreCase(sha256)) {
        throw new InvalidUploadException(
            "the upload of model "
                + spec.model()
                + " has SHA-256 "
                + sha256
                + ", its header announced "
                + spec.sha256());
      }
      return registry.register(spec, file, sha256, received);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish the upload file " + file, e);
    } finally {
      deleteFile();
    }
  }

  /** Abandons the upload unless it was committed. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        deleteFile();
      }
    }
  }

  private void requireOpen() {
    if (finished) {
      throw new IllegalStateException("the upload of model " + spec.model() + " is finished");
    }
  }

  private void deleteFile() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the upload file " + file, e);
    }
  }
}
