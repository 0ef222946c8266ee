package dqn.learner.snapshot;

/**
 * One verified ONNX snapshot of the online network.
 *
 * @param model name it is published under
 * @param version version the inference-service gave it; 0 when not published
 * @param path file in the snapshot directory
 * @param sha256 SHA-256 of the file, hex
 * @param published whether the inference-service accepted it
 * @param maxAbsDiff largest |ONNX Runtime - training engine| on the probe batch
 */
public record SnapshotRecord(
    String model,
    long version,
    long updateStep,
    long envFrames,
    String path,
    String sha256,
    long createdUnixMs,
    boolean published,
    float maxAbsDiff) {}
