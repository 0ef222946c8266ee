package dqn.replay.buffer;

/** What an insert made durable: the stream's last stored sequence and the new transitions. */
public record InsertResult(long ackedSequence, long transitionsAdded) {}
