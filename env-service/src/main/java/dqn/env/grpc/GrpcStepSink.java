package dqn.env.grpc;

import dqn.client.replay.ReplayWriter;
import dqn.env.actors.StepSink;

/** An actor's steps to the replay-service, through the client library's acknowledged writer. */
final class GrpcStepSink implements StepSink {

  private final ReplayWriter writer;

  GrpcStepSink(ReplayWriter writer) {
    this.writer = writer;
  }

  @Override
  public void append(
      String stream, boolean episodeStart, int action, float reward, boolean terminated, boolean truncated, byte[] frame)
      throws InterruptedException {
    writer.append(stream, episodeStart, action, reward, terminated, truncated, frame);
  }

  @Override
  public String problem() {
    return writer.problem();
  }

  @Override
  public long waitNanos() {
    return writer.waitNanos();
  }

  @Override
  public long ackedSteps() {
    return writer.ackedSteps();
  }

  @Override
  public void close() throws InterruptedException {
    writer.close();
  }
}
