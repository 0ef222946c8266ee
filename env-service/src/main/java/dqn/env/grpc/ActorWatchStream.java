package dqn.env.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dqn.env.actors.ActorWatch;
import dqn.v1.ActorFrame;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a watched actor session's screens at a fixed rate until the client cancels or the actors
 * stop. A screen the client is not ready for is skipped: a slow viewer sees fewer frames and never
 * holds frames in the server's memory.
 */
final class ActorWatchStream {

  private ActorWatchStream() {}

  static void run(ActorWatch watch, ServerCallStreamObserver<ActorFrame> stream, long periodNanos) {
    long next = System.nanoTime();
    while (!stream.isCancelled() && watch.playing()) {
      if (stream.isReady()) {
        ActorWatch.Frame frame;
        try {
          frame = watch.frame();
        } catch (RuntimeException sessionClosed) {
          break; // the actors stopped between the check and the screen
        }
        stream.onNext(toProto(frame));
      }
      next += periodNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else {
        next = System.nanoTime();
      }
    }
    if (!stream.isCancelled()) {
      stream.onCompleted();
    }
  }

  private static ActorFrame toProto(ActorWatch.Frame frame) {
    return ActorFrame.newBuilder()
        .setActor(frame.actor())
        .setSession(frame.session())
        .setHeight(frame.height())
        .setWidth(frame.width())
        .setRgb(UnsafeByteOperations.unsafeWrap(frame.rgb()))
        .setEpisodeReturn(frame.episodeReturn())
        .setEpisodeSteps(frame.episodeSteps())
        .setFrames(frame.frames())
        .setModelVersion(frame.modelVersion())
        .build();
  }
}
