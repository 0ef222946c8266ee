package dqn.inference.http;

import dqn.runtime.auth.BearerTokens;
import dqn.inference.config.AuthConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * With {@code dqn.inference.auth.protect-metrics=true}, {@code /q/metrics} (which lists model
 * names) asks for the same bearer tokens as the API. Health ({@code /q/health}, the gRPC health
 * service) stays open for probes.
 */
@Singleton
public class MetricsAuthFilter {

  static final String METRICS_PATH = "/q/metrics";

  void register(@Observes Filters filters, AuthConfig config, BearerTokens tokens) {
    if (!config.protectMetrics()) {
      return;
    }
    filters.register(
        request -> {
          // gRPC calls share this HTTP server: only the metrics path is checked here.
          String path = request.normalizedPath();
          Optional<String> refusal =
              path.equals(METRICS_PATH) || path.startsWith(METRICS_PATH + "/")
                  ? tokens.refusal(request.request().getHeader(HttpHeaders.AUTHORIZATION))
                  : Optional.empty();
          if (refusal.isEmpty()) {
            request.next();
          } else {
            request
                .response()
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer")
                .end(refusal.get() + "\n");
          }
        },
        // Before the metrics handler and any other filter.
        Integer.MAX_VALUE);
  }
}
