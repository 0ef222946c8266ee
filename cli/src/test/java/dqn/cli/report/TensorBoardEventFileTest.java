package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record framing; {@link RunLogTensorBoardTest} reads whole files back with TensorBoard. */
class TensorBoardEventFileTest {

  /** CRC32C("123456789"), the check value of the Castagnoli CRC (RFC 3720, appendix B.4). */
  private static final long CRC32C_OF_123456789 = 0xE3069283L;

  @Test
  void checksumsAreTheCrc32cRotatedRightBy15PlusTheMaskConstant() {
    byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        masked(CRC32C_OF_123456789), TensorBoardEventFile.maskedCrc32c(digits, 0, digits.length));
    // CRC32C of nothing is 0, so its mask is the constant alone.
    assertEquals(0xa282ead8, TensorBoardEventFile.maskedCrc32c(new byte[0], 0, 0));
  }

  @Test
  void aRecordIsTheLengthItsChecksumTheDataAndItsChecksumLittleEndian() {
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);

    byte[] record = TensorBoardEventFile.record(data);

    assertEquals(8 + 4 + data.length + 4, record.length);
    ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(data.length, buffer.getLong(0));
    byte[] lengthBytes = {9, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(TensorBoardEventFile.maskedCrc32c(lengthBytes, 0, 8), buffer.getInt(8));
    assertArrayEquals(data, Arrays.copyOfRange(record, 12, 12 + data.length));
    assertEquals(masked(CRC32C_OF_123456789), buffer.getInt(12 + data.length));
  }

  @Test
  void aClosedFileRefusesWrites(@TempDir Path dir) throws Exception {
    TensorBoardEventFile events = TensorBoardEventFile.create(dir);
    events.close();
    events.close();

    assertThrows(IllegalStateException.class, () -> events.scalars(1, Map.of("a", 1.0)));
    try (var files = Files.list(dir)) {
      List<Path> written = files.toList();
      assertEquals(1, written.size());
      assertEquals(
          true, written.get(0).getFileName().toString().startsWith("events.out.tfevents."));
    }
  }

  /** The mask by its definition, in unsigned 32-bit arithmetic on a long. */
  private static int masked(long crc) {
    long rotated = ((crc >>> 15) | (crc << 17)) & 0xffffffffL;
    return (int) ((rotated + 0xa282ead8L) & 0xffffffffL);
  }
}
