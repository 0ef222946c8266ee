package dqn.learner.testing;

import com.google.protobuf.ByteString;
import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.TimeStep;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** An actor played by a test: episodes of random 84x84 frames, actions and rewards, inserted and acknowledged. */
public final class ReplayInserts {

  private static final int FRAME = 84 * 84;

  private ReplayInserts() {}

  /**
   * Inserts {@code episodes} episodes of {@code stepsPerEpisode} steps (the first starts the
   * episode, the last terminates it) on a new stream and waits until the replay acknowledged them.
   *
   * @return the transitions the replay added (stepsPerEpisode - 1 per episode with 1-step returns)
   */
  public static long episodes(ManagedChannel replay, String streamId, int episodes, int stepsPerEpisode)
      throws Exception {
    AtomicLong added = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<InsertRequest> requests =
        ReplayServiceGrpc.newStub(replay)
            .insert(
                new StreamObserver<>() {
                  @Override
                  public void onNext(InsertAck ack) {
                    added.addAndGet(ack.getTransitionsAdded());
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    SplittableRandom random = new SplittableRandom(streamId.hashCode());
    long sequence = 0;
    for (int e = 0; e < episodes; e++) {
      InsertRequest.Builder batch = InsertRequest.newBuilder().setStreamId(streamId);
      for (int i = 0; i < stepsPerEpisode; i++) {
        byte[] frame = new byte[FRAME];
        for (int p = 0; p < FRAME; p += 7) {
          frame[p] = (byte) random.nextInt(256);
        }
        batch.addSteps(
            TimeStep.newBuilder()
                .setSequence(sequence++)
                .setEpisodeStart(i == 0)
                .setAction(random.nextInt(4))
                .setReward(random.nextInt(3) - 1)
                .setTerminated(i == stepsPerEpisode - 1)
                .setFrame(ByteString.copyFrom(frame)));
      }
      requests.onNext(batch.build());
    }
    requests.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    return added.get();
  }
}
