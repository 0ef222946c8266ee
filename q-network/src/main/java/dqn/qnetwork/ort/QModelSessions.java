package dqn.qnetwork.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * How every service opens a Q-model in ONNX Runtime: the session options of a process that shares
 * its cores, and the check each Q-model passes first (one input, one output). ONNX Runtime itself
 * comes from the service (onnxruntime, or the inference-service's onnxruntime_gpu).
 */
public final class QModelSessions {

  private QModelSessions() {}

  /**
   * Options with these thread counts; without spinning, a thread waiting for work sleeps instead of
   * taking a core from the emulators or the learner.
   */
  public static OrtSession.SessionOptions options(int intraOpThreads, int interOpThreads, boolean allowSpinning)
      throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(interOpThreads);
      String spinning = allowSpinning ? "1" : "0";
      options.addConfigEntry("session.intra_op.allow_spinning", spinning);
      options.addConfigEntry("session.inter_op.allow_spinning", spinning);
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }

  /**
   * The name of the session's one input.
   *
   * @throws IllegalArgumentException when the model has another number of inputs or outputs
   */
  public static String singleInput(OrtSession session) throws OrtException {
    if (session.getNumInputs() != 1 || session.getNumOutputs() != 1) {
      throw new IllegalArgumentException(
          "a Q-model has exactly one input [N, ...] and one output [N, A]; this one has inputs "
              + session.getInputNames() + " and outputs " + session.getOutputNames());
    }
    return session.getInputNames().iterator().next();
  }
}
