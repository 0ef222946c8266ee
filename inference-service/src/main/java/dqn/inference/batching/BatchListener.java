package dqn.inference.batching;

/** Hears about every model run, e.g. to count batch sizes. */
@FunctionalInterface
public interface BatchListener {

  /**
   * One run of a model finished.
   *
   * @param requests requests merged into the run
   * @param rows observations in the run
   * @param nanos time the run took
   */
  void runFinished(int requests, int rows, long nanos);
}
