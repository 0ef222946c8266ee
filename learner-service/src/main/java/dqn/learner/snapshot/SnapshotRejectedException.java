package dqn.learner.snapshot;

/**
 * A snapshot that failed verification: ONNX Runtime refused it or disagreed with the training
 * engine by more than the tolerance. Nothing was kept or published.
 */
public class SnapshotRejectedException extends RuntimeException {

  public SnapshotRejectedException(String message) {
    super(message);
  }

  public SnapshotRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
