package dqn.inference.serving;

import dqn.inference.model.InputSignature;
import dqn.inference.registry.ModelLease;
import dqn.inference.registry.ModelRegistry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Answers Act requests: check the observations, run the model (batched), choose actions. */
public final class ActService {

  private final ModelRegistry registry;
  private final ServingMetrics metrics;

  public ActService(ModelRegistry registry, ServingMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  /**
   * Answers a request, waiting for its turn (and batch) when the model is busy.
   *
   * @throws dqn.inference.registry.ModelNotFoundException for an unknown model or version
   * @throws InvalidObservationException when the observations do not fit the model, or epsilon is
   *     outside [0, 1]
   */
  public ActResult act(ActCommand command) {
    return act(command, true);
  }

  /**
   * Answers a request only if its model can run it at once; returns null when it would have to wait
   * (then call {@link #act(ActCommand)} from a thread that may block). Throws like {@link
   * #act(ActCommand)}.
   */
  public ActResult actWithoutWaiting(ActCommand command) {
    return act(command, false);
  }

  private ActResult act(ActCommand command, boolean mayWait) {
    long start = System.nanoTime();
    if (command.epsilon().isPresent()) {
      double epsilon = command.epsilon().getAsDouble();
      if (!(epsilon >= 0 && epsilon <= 1)) {
        throw new InvalidObservationException("epsilon must be in [0, 1], got " + epsilon);
      }
    }
    try (ModelLease lease = registry.lease(command.model(), command.version())) {
      InputSignature signature = lease.model().signature();
      int rows = checkObservations(command.observations(), signature, lease);
      List<ByteBuffer> slices = List.of(command.observations().data());
      float[] qValues =
          mayWait
              ? lease.model().forward(slices, rows)
              : lease.model().forwardWithoutWaiting(slices, rows);
      if (qValues == null) {
        return null;
      }
      int numActions = signature.numActions();
      int[] greedy = ActionSelector.greedy(qValues, numActions);
      int[] actions = greedy;
      if (command.epsilon().isPresent()) {
        SplittableRandom random =
            command.seed().isPresent()
                ? new SplittableRandom(command.seed().getAsLong())
                : new SplittableRandom();
        actions =
            ActionSelector.epsilonGreedy(
                greedy, numActions, command.epsilon().getAsDouble(), random);
      }
      metrics.requestServed(command.model(), rows, System.nanoTime() - start);
      return new ActResult(lease.version(), numActions, qValues, greedy, actions);
    }
  }

  /** Returns N, the number of observations, once shape, dtype and byte count fit the signature. */
  static int checkObservations(
      ObservationBatch observations, InputSignature signature, ModelLease lease) {
    long[] shape = observations.shape();
    long[] expected = signature.observationShape();
    boolean shapeFits =
        shape.length == expected.length + 1
            && shape[0] >= 1
            && shape[0] <= Integer.MAX_VALUE
            && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), expected);
    if (!shapeFits || observations.dtype() != signature.dtype()) {
      throw mismatch(
          signature,
          lease,
          "got shape "
              + Arrays.toString(shape)
              + " "
              + (observations.dtype() == null ? "with no dtype" : observations.dtype().toString()));
    }
    long bytes = observations.data().remaining();
    long perObservation = signature.bytesPerObservation();
    if (bytes % perObservation != 0 || bytes / perObservation != shape[0]) {
      throw mismatch(
          signature,
          lease,
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + shape[0]
              + " x "
              + perObservation
              + " bytes of data, got "
              + bytes);
    }
    return (int) shape[0];
  }

  private static InvalidObservationException mismatch(
      InputSignature signature, ModelLease lease, String detail) {
    return new InvalidObservationException(
        "observations must be "
            + signature.describeInput()
            + " ("
            + signature.bytesPerObservation()
            + " bytes per observation, N >= 1) for model "
            + lease.modelName()
            + " v"
            + lease.version()
            + "; "
            + detail);
  }
}
