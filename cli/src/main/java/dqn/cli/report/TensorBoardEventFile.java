package dqn.cli.report;

import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One TensorBoard event file, {@code events.out.tfevents.<seconds>.<host>}, that scalars and text
 * are appended to; each event is flushed as it is written, so TensorBoard shows a run as it trains.
 *
 * <p>Written here from the format's published definition: no maintained JVM library on Maven
 * Central writes event files short of TensorFlow Java, which would bring a native TensorFlow
 * runtime for a few dozen lines of framing and encoding. The file is a sequence of records, each a
 * uint64 length, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data,
 * all little-endian. Each record's data is a {@code tensorboard.Event} protobuf, encoded here by
 * field number (from tensorboard/compat/proto: event.proto, summary.proto, tensor.proto); the first
 * one names the format version.
 */
public final class TensorBoardEventFile implements AutoCloseable {

  private static final String FILE_PREFIX = "events.out.tfevents.";
  private static final String FILE_VERSION = "brain.Event:2";
  private static final int CRC_MASK_DELTA = 0xa282ead8;

  // Field numbers of the messages written.
  private static final int EVENT_WALL_TIME = 1; // double, seconds since the epoch
  private static final int EVENT_STEP = 2; // int64
  private static final int EVENT_FILE_VERSION = 3; // string
  private static final int EVENT_SUMMARY = 5; // Summary
  private static final int SUMMARY_VALUE = 1; // repeated Summary.Value
  private static final int VALUE_TAG = 1; // string
  private static final int VALUE_SIMPLE_VALUE = 2; // float
  private static final int VALUE_TENSOR = 8; // TensorProto
  private static final int VALUE_METADATA = 9; // SummaryMetadata
  private static final int METADATA_PLUGIN_DATA = 1; // SummaryMetadata.PluginData
  private static final int PLUGIN_DATA_PLUGIN_NAME = 1; // string
  private static final int TENSOR_DTYPE = 1; // DataType enum
  private static final int TENSOR_STRING_VAL = 8; // repeated bytes
  private static final int DT_STRING = 7;

  private final OutputStream out;
  private boolean closed;

  private TensorBoardEventFile(OutputStream out) {
    this.out = out;
  }

  /**
   * Creates a new event file in {@code dir} (created if absent) and writes its version record.
   * Files already there stay: TensorBoard reads every file of a folder, in name order.
   */
  public static TensorBoardEventFile create(Path dir) throws IOException {
    Files.createDirectories(dir);
    String host = hostName();
    long seconds = Instant.now().getEpochSecond();
    while (true) {
      Path file = dir.resolve(FILE_PREFIX + seconds + "." + host);
      OutputStream stream;
      try {
        stream =
            Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        // Opened again within the same second (a quick resume): a later name keeps the name order.
        seconds++;
        continue;
      }
      TensorBoardEventFile events = new TensorBoardEventFile(new BufferedOutputStream(stream));
      try {
        events.write(0, event -> event.writeString(EVENT_FILE_VERSION, FILE_VERSION));
      } catch (IOException | RuntimeException e) {
        events.close();
        throw e;
      }
      return events;
    }
  }

  /** One event at {@code step} holding a scalar per tag (shown as float32). */
  public synchronized void scalars(long step, Map<String, Double> valuesByTag) throws IOException {
    List<byte[]> values = new ArrayList<>();
    for (Map.Entry<String, Double> entry : valuesByTag.entrySet()) {
      values.add(
          message(
              value -> {
                value.writeString(VALUE_TAG, entry.getKey());
                value.writeFloat(VALUE_SIMPLE_VALUE, entry.getValue().floatValue());
              }));
    }
    writeSummary(step, values);
  }

  /** One event at {@code step} with {@code markdown} under {@code tag}, for the text tab. */
  public synchronized void text(String tag, long step, String markdown) throws IOException {
    byte[] pluginData = message(p -> p.writeString(PLUGIN_DATA_PLUGIN_NAME, "text"));
    byte[] metadata = message(m -> m.writeByteArray(METADATA_PLUGIN_DATA, pluginData));
    // A scalar string tensor: no shape is the empty shape.
    byte[] tensor =
        message(
            t -> {
              t.writeEnum(TENSOR_DTYPE, DT_STRING);
              t.writeByteArray(TENSOR_STRING_VAL, markdown.getBytes(StandardCharsets.UTF_8));
            });
    byte[] value =
        message(
            v -> {
              v.writeString(VALUE_TAG, tag);
              v.writeByteArray(VALUE_TENSOR, tensor);
              v.writeByteArray(VALUE_METADATA, metadata);
            });
    writeSummary(step, List.of(value));
  }

  /** Closes the file; later writes throw IllegalStateException. */
  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }

  /** The record that frames {@code data}: length, its masked CRC, the data, its masked CRC. */
  static byte[] record(byte[] data) {
    ByteBuffer record =
        ByteBuffer.allocate(Long.BYTES + 2 * Integer.BYTES + data.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    record.putLong(data.length);
    record.putInt(maskedCrc32c(record.array(), 0, Long.BYTES));
    record.put(data);
    record.putInt(maskedCrc32c(data, 0, data.length));
    return record.array();
  }

  /**
   * The CRC32C of the bytes, rotated right by 15 bits plus a constant (modulo 2^32): the format
   * masks its checksums so that a CRC of data that itself holds CRCs is not degenerate.
   */
  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return Integer.rotateRight((int) crc.getValue(), 15) + CRC_MASK_DELTA;
  }

  private void writeSummary(long step, List<byte[]> values) throws IOException {
    byte[] summary =
        message(
            s -> {
              for (byte[] value : values) {
                s.writeByteArray(SUMMARY_VALUE, value);
              }
            });
    write(step, event -> event.writeByteArray(EVENT_SUMMARY, summary));
  }

  /**
   * Writes one Event (its wall time now, its step, then {@code what}) as a record and flushes it.
   */
  private void write(long step, Fields what) throws IOException {
    if (closed) {
      throw new IllegalStateException("the TensorBoard event file is closed");
    }
    byte[] event =
        message(
            e -> {
              e.writeDouble(EVENT_WALL_TIME, System.currentTimeMillis() / 1e3);
              e.writeInt64(EVENT_STEP, step);
              what.writeTo(e);
            });
    out.write(record(event));
    out.flush();
  }

  /** Fields written into one message. */
  @FunctionalInterface
  private interface Fields {
    void writeTo(CodedOutputStream message) throws IOException;
  }

  /** The encoded message of {@code fields}, for a length-delimited field of its parent. */
  private static byte[] message(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream message = CodedOutputStream.newInstance(bytes);
    try {
      fields.writeTo(message);
      message.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from an in-memory stream
    }
    return bytes.toByteArray();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
