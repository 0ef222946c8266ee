package dqn.replay.testing;

import com.google.protobuf.ByteString;
import dqn.replay.buffer.Step;
import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.TimeStep;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client's Insert stream: send batches, take acks one by one, see how the call ended. */
public final class InsertStream implements AutoCloseable {

  private final LinkedBlockingQueue<InsertAck> acks = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final StreamObserver<InsertRequest> requests;

  public InsertStream(ReplayServiceGrpc.ReplayServiceStub stub) {
    requests =
        stub.insert(
            new StreamObserver<>() {
              @Override
              public void onNext(InsertAck ack) {
                acks.add(ack);
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });
  }

  public static InsertRequest request(String streamId, List<Step> steps) {
    InsertRequest.Builder request = InsertRequest.newBuilder().setStreamId(streamId);
    for (Step s : steps) {
      request.addSteps(
          TimeStep.newBuilder()
              .setSequence(s.sequence())
              .setEpisodeStart(s.episodeStart())
              .setAction(s.action())
              .setReward(s.reward())
              .setTerminated(s.terminated())
              .setTruncated(s.truncated())
              .setFrame(ByteString.copyFrom(s.frame())));
    }
    return request.build();
  }

  public InsertStream send(String streamId, List<Step> steps) {
    requests.onNext(request(streamId, steps));
    return this;
  }

  /** The next ack; throws with the call's status if the call ended instead. */
  public InsertAck nextAck() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      InsertAck ack = acks.poll(20, TimeUnit.MILLISECONDS);
      if (ack != null) {
        return ack;
      }
      if (ended.isDone()) {
        throw ended.join().asRuntimeException();
      }
    }
    throw new IllegalStateException("no ack within 30 s");
  }

  /** The status the call ended with (after an error the server closes the stream). */
  public Status awaitEnd() throws Exception {
    return ended.get(30, TimeUnit.SECONDS);
  }

  /** Sends a batch and returns its ack, or the error status it caused as an exception. */
  public InsertAck insert(String streamId, List<Step> steps) throws InterruptedException {
    send(streamId, steps);
    return nextAck();
  }

  public static Status.Code codeOf(StatusRuntimeException e) {
    return e.getStatus().getCode();
  }

  @Override
  public void close() {
    if (!ended.isDone()) {
      requests.onCompleted();
    }
  }
}
