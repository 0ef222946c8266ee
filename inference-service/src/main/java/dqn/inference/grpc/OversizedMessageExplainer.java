package dqn.inference.grpc;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Names the limit when the gRPC transport refuses a message that is too large. Quarkus's gRPC
 * server (on the HTTP server) answers RESOURCE_EXHAUSTED with no description; this filter adds one
 * to such answers just before their headers are written, and touches no other response.
 */
@Singleton
public class OversizedMessageExplainer {

  private static final String RESOURCE_EXHAUSTED = "8";

  private final String explanation;

  public OversizedMessageExplainer(
      @ConfigProperty(
              name = "quarkus.grpc.server.max-inbound-message-size",
              defaultValue = "4194304")
          int maxInboundMessageBytes) {
    this.explanation =
        "a request message exceeds this server's limit of "
            + maxInboundMessageBytes
            + " bytes (quarkus.grpc.server.max-inbound-message-size); send fewer observations per"
            + " request, or upload models in chunks of at most 1 MiB";
  }

  void register(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            context -> {
              String contentType = context.request().getHeader("content-type");
              if (contentType != null && contentType.startsWith("application/grpc")) {
                HttpServerResponse response = context.response();
                response.headersEndHandler(ignored -> explainIfOversized(response.headers()));
              }
              context.next();
            });
  }

  private void explainIfOversized(MultiMap headers) {
    if (RESOURCE_EXHAUSTED.equals(headers.get("grpc-status"))
        && headers.get("grpc-message") == null) {
      headers.set("grpc-message", explanation);
    }
  }
}
