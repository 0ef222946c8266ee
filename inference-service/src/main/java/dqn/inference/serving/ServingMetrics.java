package dqn.inference.serving;

/** Per-model serving statistics. */
public interface ServingMetrics {

  /** A request was answered with {@code rows} observations after {@code nanos}. */
  void requestServed(String model, int rows, long nanos);

  /** One model run finished, merging {@code requests} requests with {@code rows} observations. */
  void runFinished(String model, int requests, int rows, long nanos);
}
