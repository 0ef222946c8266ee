package dqn.replay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.replay.buffer.ReplayStore.StepRecord;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkEntriesTest {

  @Test
  void entriesReadBackAsWrittenAndEmptySlotsAreSkipped() {
    int chunkSteps = 4;
    long chunk = 7;
    List<StepRecord> written =
        List.of(
            new StepRecord(chunk * chunkSteps + 1, 1L << 40, (byte) 3, 5, -1.5f, 0, 611),
            new StepRecord(chunk * chunkSteps + 2, (1L << 40) + 1, (byte) 0, 0, 0f, 611, 420));
    byte[] header = new byte[chunkSteps * ChunkEntries.BYTES];
    // Slot 0 stays empty (length 0); the two steps fill slots 1 and 2, as a commit's SETRANGE does.
    byte[] entries = ChunkEntries.encode(written);
    assertEquals(2 * ChunkEntries.BYTES, entries.length);
    System.arraycopy(entries, 0, header, ChunkEntries.BYTES, entries.length);

    assertEquals(written, ChunkEntries.decode(header, chunk, chunkSteps));
    // A header read short (a chunk of a store written with fewer slots) yields the slots it holds.
    assertEquals(written.subList(0, 1), ChunkEntries.decode(Arrays.copyOf(header, 2 * ChunkEntries.BYTES), chunk, chunkSteps));
  }
}
