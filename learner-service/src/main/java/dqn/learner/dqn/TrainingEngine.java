package dqn.learner.dqn;

import dqn.client.replay.SampledBatch;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;

/**
 * The numerical side of DQN: online and target networks, the update, the optimizer. The learner
 * drives it from one thread; implementations are not thread-safe.
 */
public interface TrainingEngine extends AutoCloseable {

  QNetworkSpec spec();

  /** One gradient update on {@code batch}; {@code wantTdErrors} asks for |TD error| per transition. */
  UpdateResult update(SampledBatch batch, boolean wantTdErrors);

  /** Copies the online weights into the target network. */
  void syncTarget();

  /** A host copy of the online network's weights. */
  QNetworkWeights onlineWeights();

  /**
   * The online network's Q-values, [batch][A], for observations in the network's input layout
   * (uint8, row-major [batch, obs...]).
   */
  float[][] qValues(byte[] observations, int batch);

  /** The whole state for a checkpoint. */
  EngineState state();

  /** Restores a state; refuses one of another network or optimizer. */
  void restore(EngineState state);

  /** The compute device in use: "cpu" or "gpu(N)". */
  String device();

  @Override
  void close();
}
