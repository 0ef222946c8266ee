package dqn.replay.buffer;

import java.util.List;

/** What an insert must satisfy before anything is compressed or stored; each refusal says what to send. */
final class InsertChecks {

  private static final int MAX_STREAM_ID_LENGTH = 256;

  private InsertChecks() {}

  /** The request alone: its stream name, its size, each step's frame size, action and reward, consecutive sequences. */
  static void request(ReplaySettings settings, String streamId, List<Step> steps) {
    if (streamId == null || streamId.isBlank() || streamId.length() > MAX_STREAM_ID_LENGTH) {
      throw new ReplayException.InvalidRequest(
          "stream_id must be a non-blank name of at most " + MAX_STREAM_ID_LENGTH
              + " characters, e.g. \"actor-3\"");
    }
    if (steps.isEmpty()) {
      throw new ReplayException.InvalidRequest(
          "an InsertRequest needs at least one step (stream " + streamId + ")");
    }
    if (steps.size() > settings.maxStepsPerInsert()) {
      throw new ReplayException.InvalidRequest(
          "a request holds at most " + settings.maxStepsPerInsert() + " steps, got " + steps.size()
              + ": split the batch (dqn.replay.max-steps-per-insert)");
    }
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.frame().length != settings.frameBytes()) {
        throw new ReplayException.InvalidRequest(
            "step " + step.sequence() + " of stream " + streamId + ": frame has "
                + step.frame().length + " bytes; expected one uint8 " + settings.frameHeight()
                + "x" + settings.frameWidth() + " frame = " + settings.frameBytes()
                + " bytes (dqn.replay.frame-height/frame-width)");
      }
      if (!step.episodeStart() && (step.action() < 0 || !Float.isFinite(step.reward()))) {
        throw new ReplayException.InvalidRequest(
            "step " + step.sequence() + " of stream " + streamId
                + ": action must be >= 0 and reward finite, got action " + step.action()
                + " and reward " + step.reward());
      }
      if (i > 0 && step.sequence() != steps.get(i - 1).sequence() + 1) {
        throw new ReplayException.InvalidRequest(
            "steps of a request must have consecutive sequence numbers; after "
                + steps.get(i - 1).sequence() + " came " + step.sequence());
      }
    }
  }

  /**
   * The request's new steps against the stream: they must start at its next sequence and every
   * step must belong to an open episode. {@code stream} is null for a new stream.
   */
  static void streamOrder(String streamId, TransitionAccumulator stream, long next, List<Step> fresh) {
    long first = fresh.get(0).sequence();
    if (first != next) {
      throw new ReplayException.FailedPrecondition(
          stream == null
              ? "stream " + streamId + " is new: its first step must have sequence 0, got " + first
              : "stream " + streamId + " has every step up to " + (next - 1)
                  + " stored; the next must have sequence " + next + ", got " + first
                  + ": resend from " + next);
    }
    boolean open = stream != null && stream.episodeOpen();
    for (Step step : fresh) {
      if (step.episodeStart()) {
        open = true;
      } else if (!open) {
        throw new ReplayException.FailedPrecondition(
            "stream " + streamId + " has no open episode at sequence " + step.sequence()
                + ": send a step with episode_start=true first (a stream's first step and the step"
                + " after a terminated or truncated one must start an episode)");
      } else if (step.terminated() || step.truncated()) {
        open = false;
      }
    }
  }
}
