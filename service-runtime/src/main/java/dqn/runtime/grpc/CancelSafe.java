package dqn.runtime.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * A server stream's responses that stop once the client cancels: a message, error or completion
 * sent after the client reset its stream makes the HTTP/2 server on the shared port (Vert.x) close
 * the whole connection with PROTOCOL_ERROR, failing every other call on it (found by the replay's
 * fuzz test: a cut-off Insert stream whose last acknowledgement was still being sent).
 */
public final class CancelSafe<T> implements StreamObserver<T> {

  private final ServerCallStreamObserver<T> delegate;
  private volatile boolean cancelled;

  private CancelSafe(ServerCallStreamObserver<T> delegate) {
    this.delegate = delegate;
    delegate.setOnCancelHandler(() -> cancelled = true);
  }

  /** Wraps the responses of a call; call it in the method handler, before the first response. */
  public static <T> StreamObserver<T> responses(StreamObserver<T> responses) {
    return responses instanceof ServerCallStreamObserver<T> server ? new CancelSafe<>(server) : responses;
  }

  private boolean open() {
    return !cancelled && !delegate.isCancelled();
  }

  @Override
  public synchronized void onNext(T value) {
    if (open()) {
      delegate.onNext(value);
    }
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (open()) {
      delegate.onError(error);
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (open()) {
      delegate.onCompleted();
    }
  }
}
