package dqn.runtime.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * How a service's exceptions become gRPC statuses: one table per service, built once, read in
 * order (the first kind an exception is an instance of wins). A status passes through as it is;
 * {@link IllegalArgumentException} is INVALID_ARGUMENT everywhere; anything else is INTERNAL,
 * logged with its stack, and answered with a message that names neither a class nor a server path.
 * {@link #answer} is the one way a unary call answers.
 */
public final class StatusMapping {

  /** Descriptions travel in an HTTP/2 trailer, which clients cap at about 8 KiB. */
  static final int MAX_DESCRIPTION_CHARS = 1000;

  private record Rule(Class<? extends Throwable> kind, Status.Code code, String prefix, boolean log, boolean showMessage) {}

  private final String service;
  private final List<Rule> rules;
  private final Logger log;

  private StatusMapping(String service, List<Rule> rules) {
    this.service = service;
    this.rules = List.copyOf(rules);
    this.log = Logger.getLogger("dqn." + service.replace("-", "."));
  }

  /** @param service the service's name, e.g. "replay-service", for messages and the log */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** The table of one service. */
  public static final class Builder {
    private final String service;
    private final List<Rule> rules = new ArrayList<>();

    private Builder(String service) {
      this.service = service;
    }

    /** Exceptions of {@code kind} answer {@code code} with their message. */
    public Builder map(Class<? extends Throwable> kind, Status.Code code) {
      return map(kind, code, "");
    }

    /** Exceptions of {@code kind} answer {@code code} with {@code prefix} and their message. */
    public Builder map(Class<? extends Throwable> kind, Status.Code code, String prefix) {
      rules.add(new Rule(kind, code, prefix, false, true));
      return this;
    }

    /**
     * Exceptions of {@code kind} are the service's own failures: logged with their stack and
     * answered INTERNAL with {@code prefix} and their message (which must say what happened in
     * the caller's terms).
     */
    public Builder internal(Class<? extends Throwable> kind, String prefix) {
      rules.add(new Rule(kind, Status.Code.INTERNAL, prefix, true, true));
      return this;
    }

    /**
     * Exceptions of {@code kind} are the service's own failures whose message is for its log
     * only (e.g. it names the server's files): logged with their stack and answered INTERNAL with
     * {@code description}.
     */
    public Builder internalWithoutDetails(Class<? extends Throwable> kind, String description) {
      rules.add(new Rule(kind, Status.Code.INTERNAL, description, true, false));
      return this;
    }

    public StatusMapping build() {
      return new StatusMapping(service, rules);
    }
  }

  /** The status for {@code error}. */
  public StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof StatusRuntimeException status) {
      return status;
    }
    if (error instanceof StatusException status) {
      return status.getStatus().asRuntimeException(status.getTrailers());
    }
    for (Rule rule : rules) {
      if (rule.kind().isInstance(error)) {
        String description = rule.showMessage() ? rule.prefix() + error.getMessage() : rule.prefix();
        if (rule.log()) {
          log.errorf(error, "%s (%s)", description, error.getMessage());
        }
        return status(rule.code(), description, error);
      }
    }
    if (error instanceof IllegalArgumentException) {
      return status(Status.Code.INVALID_ARGUMENT, error.getMessage(), error);
    }
    log.errorf(error, "unexpected failure");
    return status(
        Status.Code.INTERNAL,
        "internal error in the " + service + " (its log has the details); please report it",
        error);
  }

  /**
   * Answers a unary call: INVALID_ARGUMENT for request bytes that were no message
   * ({@link MalformedRequests}), else {@code call}'s value, or the status of what it threw.
   */
  public <T> void answer(Object request, StreamObserver<T> response, Supplier<T> call) {
    answer(
        response,
        () -> {
          MalformedRequests.requireWellFormed(request);
          return call.get();
        });
  }

  /** Answers with {@code call}'s value, or the status of what it threw (e.g. at a stream's end). */
  public <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T value;
    try {
      value = call.get();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }

  private static StatusRuntimeException status(Status.Code code, String description, Throwable cause) {
    String text = description == null || description.isBlank() ? code.name().toLowerCase().replace('_', ' ') : description;
    if (text.length() > MAX_DESCRIPTION_CHARS) {
      text = text.substring(0, MAX_DESCRIPTION_CHARS) + "...";
    }
    return Status.fromCode(code).withDescription(text).withCause(cause).asRuntimeException();
  }
}
