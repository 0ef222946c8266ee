package dqn.testkit;

import io.grpc.Status;
import java.io.IOException;
import java.util.Set;

/**
 * How the fuzzer reads the end of one call: its outcome's name (a status code, or one of the
 * outcomes the fuzzer counts apart) and, for an improper answer, what was wrong with it.
 *
 * @param problem null for a proper answer
 */
record CallOutcome(String name, String problem) {

  static final String CLIENT_ERROR = "client-error";
  static final String CANCELLED_BY_FUZZER = "cancelled-by-fuzzer";
  static final String CONNECTION_CLOSED = "connection-closed";

  /**
   * @param error what the client itself failed with, null when the call closed with a status
   * @param fuzzerEndedIt whether the fuzzer cancelled the call (a cut or half-open stream)
   */
  static CallOutcome of(Status status, Throwable error, boolean fuzzerEndedIt, Set<Status.Code> allowed) {
    if (error != null) {
      return new CallOutcome(CLIENT_ERROR, error.toString());
    }
    if (status.getCode() == Status.Code.CANCELLED && fuzzerEndedIt) {
      return new CallOutcome(CANCELLED_BY_FUZZER, null);
    }
    if (connectionClosed(status)) {
      // The server ended the whole connection (HTTP/2 GOAWAY, or a reset socket): every call in
      // flight on it fails on the client's side, and the channel reconnects. Counted apart and
      // reported.
      return new CallOutcome(CONNECTION_CLOSED, null);
    }
    String name = status.getCode().name();
    if (!allowed.contains(status.getCode())) {
      return new CallOutcome(name, status.toString());
    }
    if (status.getCode() != Status.Code.OK
        && (status.getDescription() == null || status.getDescription().isBlank())) {
      return new CallOutcome(name, status.getCode() + " without a description");
    }
    return new CallOutcome(name, null);
  }

  static boolean connectionClosed(Status status) {
    String description = status.getDescription() == null ? "" : status.getDescription();
    // GOAWAY comes with any client-side code (RESOURCE_EXHAUSTED for ENHANCE_YOUR_CALM, the HTTP/2
    // server's guard against streams reset in bulk, which the fuzzer's many cut-off streams trip).
    // A call written just as the connection closes fails on the client with UNKNOWN "channel
    // closed" and the ClosedChannelException as its local cause; a server's UNKNOWN has no cause.
    return description.contains("GOAWAY")
        || ((status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL)
            && (description.contains("Network closed") || status.getCause() instanceof IOException))
        || (status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof IOException);
  }
}
