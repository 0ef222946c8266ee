package dqn.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The CSV mechanics of the run files: plain comma-separated fields, a header line first, one row
 * per line ending in '\n'. A last line without its '\n' is a row a crash (or a writer still
 * writing) left unfinished: readers skip it and appenders cut it off.
 */
final class Csv {

  private Csv() {}

  /**
   * The shortest decimal that reads back to the same double, without exponent, so the same in every
   * locale; non-finite values (no loss before the first update, a rate over no time) as empty.
   */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return "";
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** The inverse of {@link #number}: empty reads as NaN. */
  static double parseNumber(String field) {
    return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
  }

  /**
   * Opens {@code file} for appending rows: creates it with {@code header}, or continues it after
   * cutting off an unfinished last line. Rejects a file whose header differs, which would mix
   * columns.
   */
  static BufferedWriter openForAppend(Path file, String header) throws IOException {
    byte[] existing = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    int completeBytes = lastNewline(existing) + 1;
    if (completeBytes < existing.length) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(completeBytes);
      }
    }
    if (completeBytes > 0) {
      requireHeader(file, firstLine(existing), header);
    }
    BufferedWriter writer =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (completeBytes == 0) {
      writeLine(writer, header);
    }
    return writer;
  }

  /**
   * Writes one line and flushes it to the operating system, so a crash of this process loses at
   * most the line being written.
   */
  static void writeLine(BufferedWriter writer, String line) throws IOException {
    writer.write(line + '\n');
    writer.flush();
  }

  /**
   * The rows of {@code file} under {@code header}, each from its fields; none when the file does
   * not exist yet.
   */
  static <R> List<R> readRows(Path file, String header, Function<String[], R> row)
      throws IOException {
    List<R> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String complete = text.substring(0, text.lastIndexOf('\n') + 1);
    if (complete.isEmpty()) {
      return rows;
    }
    String[] lines = complete.split("\n", -1);
    requireHeader(file, lines[0], header);
    int columns = header.split(",", -1).length;
    // The split leaves an empty string after the final '\n'.
    for (int i = 1; i < lines.length - 1; i++) {
      String[] fields = lines[i].split(",", -1);
      try {
        if (fields.length != columns) {
          throw new IllegalArgumentException(
              fields.length + " fields where the header has " + columns);
        }
        rows.add(row.apply(fields));
      } catch (IllegalArgumentException e) { // NumberFormatException included
        throw new IllegalStateException(
            file + " line " + (i + 1) + " is not a row: " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private static void requireHeader(Path file, String found, String expected) {
    if (!found.equals(expected)) {
      throw new IllegalStateException(
          file
              + " has the header '"
              + found
              + "', expected '"
              + expected
              + "'; move it aside or use a new run directory");
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String firstLine(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return text.substring(0, text.indexOf('\n'));
  }
}
