package dqn.runtime.grpc;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;

/**
 * Names the limit when the gRPC transport refuses a message that is too large. Quarkus's gRPC
 * server (on the HTTP server) answers RESOURCE_EXHAUSTED with no description; this route adds one
 * to such answers just before their headers are written, and touches no other response. Each
 * service registers it from its beans class, observing the {@link Router}.
 */
public final class OversizedMessages {

  /** The configuration key of the limit, and the Vert.x gRPC server's limit when it is absent (256 KiB). */
  public static final String LIMIT_KEY = "quarkus.grpc.server.max-inbound-message-size";
  public static final String DEFAULT_LIMIT = "262144";

  private static final String RESOURCE_EXHAUSTED = "8";

  private OversizedMessages() {}

  /**
   * @param maxInboundMessageBytes the server's limit
   * @param advice what a client can do instead, e.g. "send fewer observations per request"
   */
  public static void explain(Router router, int maxInboundMessageBytes, String advice) {
    String explanation =
        "a request message exceeds this server's limit of " + maxInboundMessageBytes + " bytes (" + LIMIT_KEY + "); "
            + advice;
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            context -> {
              String contentType = context.request().getHeader("content-type");
              if (contentType != null && contentType.startsWith("application/grpc")) {
                HttpServerResponse response = context.response();
                response.headersEndHandler(ignored -> explainIfOversized(response.headers(), explanation));
              }
              context.next();
            });
  }

  private static void explainIfOversized(MultiMap headers, String explanation) {
    if (RESOURCE_EXHAUSTED.equals(headers.get("grpc-status")) && headers.get("grpc-message") == null) {
      headers.set("grpc-message", explanation);
    }
  }
}
