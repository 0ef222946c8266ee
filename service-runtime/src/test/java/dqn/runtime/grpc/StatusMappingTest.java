package dqn.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusMappingTest {

  static class NotThere extends RuntimeException {
    NotThere(String message) {
      super(message);
    }
  }

  static final class Gone extends NotThere {
    Gone(String message) {
      super(message);
    }
  }

  private static final StatusMapping STATUSES =
      StatusMapping.builder("demo-service")
          .map(Gone.class, Status.Code.FAILED_PRECONDITION, "gone: ")
          .map(NotThere.class, Status.Code.NOT_FOUND)
          .internal(IllegalStateException.class, "engine failure: ")
          .internalWithoutDetails(UncheckedIOException.class, "the demo-service could not write its files")
          .build();

  @Test
  void theFirstMatchingKindWinsAndIllegalArgumentIsInvalidArgumentEverywhere() {
    assertEquals(Status.Code.NOT_FOUND, STATUSES.toStatus(new NotThere("no model x")).getStatus().getCode());
    StatusRuntimeException gone = STATUSES.toStatus(new Gone("model x was removed"));
    assertEquals(Status.Code.FAILED_PRECONDITION, gone.getStatus().getCode(), "listed before its superclass");
    assertEquals("gone: model x was removed", gone.getStatus().getDescription());
    StatusRuntimeException invalid = STATUSES.toStatus(new IllegalArgumentException("batch must be >= 1"));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
    assertEquals("batch must be >= 1", invalid.getStatus().getDescription());
    StatusRuntimeException given = Status.ABORTED.withDescription("as it is").asRuntimeException();
    assertSame(given, STATUSES.toStatus(given));
  }

  @Test
  void internalFailuresNameNoClassAndNoServerPath() {
    StatusRuntimeException engine = STATUSES.toStatus(new IllegalStateException("the engine disagreed"));
    assertEquals(Status.Code.INTERNAL, engine.getStatus().getCode());
    assertEquals("engine failure: the engine disagreed", engine.getStatus().getDescription());
    StatusRuntimeException disk =
        STATUSES.toStatus(new UncheckedIOException(new java.io.IOException("/srv/dqn/models/x.onnx: no space left")));
    assertEquals("the demo-service could not write its files", disk.getStatus().getDescription());
    StatusRuntimeException unknown = STATUSES.toStatus(new ArrayIndexOutOfBoundsException("Index 7 out of bounds"));
    assertEquals(Status.Code.INTERNAL, unknown.getStatus().getCode());
    String text = unknown.getStatus().getDescription();
    assertFalse(text.contains("Exception") || text.contains("java."), text);
    assertTrue(text.contains("demo-service"), text);
  }

  @Test
  void longDescriptionsAreCutToFitATrailer() {
    String description = STATUSES.toStatus(new NotThere("x".repeat(5_000))).getStatus().getDescription();
    assertEquals(StatusMapping.MAX_DESCRIPTION_CHARS + 3, description.length());
  }

  /** Records what a unary call answered. */
  private static final class Recorder<T> implements StreamObserver<T> {
    final List<T> values = new ArrayList<>();
    Throwable error;
    boolean completed;

    @Override
    public void onNext(T value) {
      values.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }

  @Test
  void answerSendsTheValueOrTheStatusOfWhatWasThrown() {
    Recorder<String> ok = new Recorder<>();
    STATUSES.answer("request", ok, () -> "value");
    assertEquals(List.of("value"), ok.values);
    assertTrue(ok.completed);

    Recorder<String> failed = new Recorder<>();
    STATUSES.answer("request", failed, () -> {
      throw new NotThere("no model y");
    });
    assertTrue(failed.values.isEmpty());
    assertFalse(failed.completed);
    assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(failed.error).getCode());
  }
}
