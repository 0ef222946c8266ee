package dqn.env.actors;

/** A copy of one model version that chooses greedy actions inside this process. */
public interface LocalPolicy extends AutoCloseable {

  long version();

  /** Greedy actions for {@code rows} observations, uint8 {@code [rows, ...observationShape]}. */
  int[] greedy(byte[] observations, int rows, long[] observationShape);

  @Override
  void close();

  /** Fetches a version of a model and opens it here. */
  interface Loader {
    /**
     * @throws Exception when the version cannot be fetched or opened (the message says why)
     */
    LocalPolicy load(String model, long version) throws Exception;
  }
}
