package dqn.inference.config;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.vertx.ext.web.Router;
import dqn.runtime.grpc.OversizedMessages;
import dqn.runtime.auth.BearerTokens;
import dqn.inference.batching.BatchPolicy;
import dqn.inference.batching.DynamicBatcher;
import dqn.inference.metrics.MicrometerServingMetrics;
import dqn.inference.model.ModelLoader;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.inference.registry.ModelRegistry;
import dqn.inference.serving.ActService;
import dqn.inference.serving.Admission;
import dqn.inference.serving.ServingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** Builds the plain-Java domain objects from the configuration, checking every value first. */
@Singleton
public class InferenceBeans {

  private static final Logger LOG = Logger.getLogger(InferenceBeans.class);

  @Produces
  @Singleton
  OrtModelLoader ortModelLoader(RuntimeConfig runtime) {
    require(
        runtime.intraOpThreads() >= 1,
        "dqn.inference.runtime.intra-op-threads must be at least 1, got "
            + runtime.intraOpThreads());
    require(
        runtime.interOpThreads() >= 1,
        "dqn.inference.runtime.inter-op-threads must be at least 1, got "
            + runtime.interOpThreads());
    require(
        runtime.cudaDevice() >= 0,
        "dqn.inference.runtime.cuda-device must be 0 or more, got " + runtime.cudaDevice());
    return new OrtModelLoader(
        new OrtSettings(
            runtime.provider(),
            runtime.cudaDevice(),
            runtime.intraOpThreads(),
            runtime.interOpThreads(),
            runtime.allowSpinning()));
  }

  @Produces
  @Singleton
  BearerTokens bearerTokens(AuthConfig auth) {
    List<String> configured = auth.tokens().orElse(List.of());
    List<String> publishers = auth.publisherTokens().orElse(List.of());
    require(
        configured.stream().noneMatch(String::isBlank),
        "dqn.inference.auth.tokens must not contain blank tokens");
    require(
        publishers.stream().noneMatch(String::isBlank),
        "dqn.inference.auth.publisher-tokens must not contain blank tokens");
    // A publisher may also do what a game does.
    List<String> accepted = new ArrayList<>(configured);
    if (!configured.isEmpty()) {
      accepted.addAll(publishers);
    }
    BearerTokens tokens = BearerTokens.of("dqn.inference.auth.tokens", accepted);
    require(
        !auth.protectMetrics() || tokens.required(),
        "dqn.inference.auth.protect-metrics=true needs dqn.inference.auth.tokens"
            + " (DQN_INFERENCE_AUTH_TOKENS): without tokens there is nothing to ask for");
    if (tokens.required()) {
      LOG.infof(
          "authentication on: %d bearer token(s) accepted on the API%s; health stays open",
          tokens.count(),
          auth.protectMetrics() ? " and on /q/metrics" : ", /q/metrics stays open");
    } else {
      LOG.info("authentication off (set dqn.inference.auth.tokens to require bearer tokens)");
    }
    if (!publishers.isEmpty()) {
      LOG.infof("uploads and live-version changes need one of %d publisher token(s)", publishers.size());
    }
    return tokens;
  }

  @Produces
  @Singleton
  ServingMetrics servingMetrics(MeterRegistry meters) {
    return new MicrometerServingMetrics(meters);
  }

  @Produces
  @Singleton
  ModelRegistry modelRegistry(
      RegistryConfig registry,
      BatchingConfig batching,
      OrtModelLoader ortLoader,
      ServingMetrics metrics) {
    require(
        registry.keepVersions() >= 1,
        "dqn.inference.registry.keep-versions must be at least 1, got " + registry.keepVersions());
    require(
        registry.maxUploadBytes() >= 1,
        "dqn.inference.registry.max-upload-bytes must be positive, got "
            + registry.maxUploadBytes());
    require(
        batching.maxBatchRows() >= 1,
        "dqn.inference.batching.max-batch-rows must be at least 1, got " + batching.maxBatchRows());
    require(
        batching.maxWaitMicros() >= 0,
        "dqn.inference.batching.max-wait-micros must be 0 or more, got "
            + batching.maxWaitMicros());
    require(
        batching.concurrentRuns() >= 1,
        "dqn.inference.batching.concurrent-runs must be at least 1, got "
            + batching.concurrentRuns());
    require(
        batching.eventLoopQuietMicros() >= 0,
        "dqn.inference.batching.event-loop-quiet-micros must be 0 or more, got "
            + batching.eventLoopQuietMicros());
    require(
        batching.eventLoopLongestRunMicros() >= 0,
        "dqn.inference.batching.event-loop-longest-run-micros must be 0 or more, got "
            + batching.eventLoopLongestRunMicros());
    BatchPolicy policy =
        new BatchPolicy(
            batching.enabled(),
            batching.maxBatchRows(),
            Duration.ofNanos(batching.maxWaitMicros() * 1000),
            batching.concurrentRuns(),
            Duration.ofNanos(batching.eventLoopQuietMicros() * 1000),
            Duration.ofNanos(batching.eventLoopLongestRunMicros() * 1000));
    LOG.infof(
        "model folder %s, keeping %d versions per model, uploads up to %d bytes; batching %s;"
            + " idle models answered on the event loop: %s",
        registry.modelDir().toAbsolutePath(),
        registry.keepVersions(),
        registry.maxUploadBytes(),
        policy.enabled()
            ? "on (up to "
                + policy.maxBatchRows()
                + " observations, wait up to "
                + batching.maxWaitMicros()
                + " us, "
                + policy.concurrentRuns()
                + " run(s) at once per model)"
            : "off",
        batching.runIdleOnEventLoop()
            ? "yes, after "
                + batching.eventLoopQuietMicros()
                + " us idle, for runs up to "
                + batching.eventLoopLongestRunMicros()
                + " us"
            : "no");
    ModelLoader loader =
        (name, file) ->
            new DynamicBatcher(
                ortLoader.load(name, file),
                policy,
                (requests, rows, nanos) -> metrics.runFinished(name, requests, rows, nanos));
    try {
      return ModelRegistry.open(
          registry.modelDir(),
          loader,
          registry.keepVersions(),
          registry.maxUploadBytes(),
          Clock.systemUTC());
    } catch (RuntimeException e) {
      LOG.errorf("inference-service cannot start: %s", e.getMessage());
      throw e;
    }
  }

  void closeRegistry(@Disposes ModelRegistry registry) {
    registry.close();
  }

  @Produces
  @Singleton
  ActService actService(ModelRegistry registry, ServingMetrics metrics) {
    return new ActService(registry, metrics);
  }

  @Produces
  @Singleton
  Admission admission(BatchingConfig batching) {
    require(
        batching.maxPendingRequests() >= 1,
        "dqn.inference.batching.max-pending-requests must be at least 1, got " + batching.maxPendingRequests());
    LOG.infof("at most %d Act requests held at once; more get RESOURCE_EXHAUSTED", batching.maxPendingRequests());
    return new Admission(batching.maxPendingRequests());
  }

  /** Loads the stored models at start, not on the first request. */
  void loadModelsAtStart(@Observes StartupEvent start, ModelRegistry registry) {
    LOG.infof("%d model(s) ready", registry.list().size());
  }

  /** Stops the start with the message logged: the launcher reports only port conflicts itself. */
  private static void require(boolean valid, String message) {
    if (!valid) {
      LOG.errorf("inference-service cannot start: %s", message);
      throw new IllegalArgumentException(message);
    }
  }

  /** Names the message limit when the gRPC transport refuses an oversized request. */
  void explainOversizedMessages(
      @Observes Router router,
      @ConfigProperty(name = OversizedMessages.LIMIT_KEY, defaultValue = OversizedMessages.DEFAULT_LIMIT) int limitBytes) {
    OversizedMessages.explain(router, limitBytes, "send fewer observations per request, or upload models in chunks of at most 1 MiB");
  }
}
