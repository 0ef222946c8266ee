package dqn.env.grpc;

import dqn.env.actors.ActorPool;
import dqn.env.actors.ActorSettings;
import dqn.env.actors.ActorWatch;
import dqn.env.session.ResetResult;
import dqn.env.session.Session;
import dqn.env.session.SessionManager;
import dqn.env.ale.AleException;
import dqn.env.preprocess.EpisodeOverException;
import dqn.env.session.SessionLimitException;
import dqn.env.session.SessionNotFoundException;
import dqn.env.session.UnknownGameException;
import dqn.runtime.grpc.MalformedRequests;
import dqn.runtime.grpc.StatusMapping;
import dqn.v1.ActorFrame;
import dqn.v1.ActorStatus;
import dqn.v1.CloseSessionRequest;
import dqn.v1.CloseSessionResponse;
import dqn.v1.CreateSessionRequest;
import dqn.v1.CreateSessionResponse;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetFrameRequest;
import dqn.v1.GetFrameResponse;
import dqn.v1.ListGamesRequest;
import dqn.v1.ListGamesResponse;
import dqn.v1.ResetRequest;
import dqn.v1.ResetResponse;
import dqn.v1.StartActorsRequest;
import dqn.v1.StepRequest;
import dqn.v1.StepResponse;
import dqn.v1.StopActorsRequest;
import dqn.v1.WatchActorRequest;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC edge of the env-service over {@link SessionManager}: each RPC validates, converts,
 * makes one domain call and converts back; {@link #STATUSES} maps failures to statuses.
 *
 * <p>StartActors, StopActors and GetActorStatus drive the {@link ActorPool}; an unset field of
 * StartActors keeps the service's configured value ({@link ConfiguredActors}).
 *
 * <p>It implements the generated {@code AsyncService} rather than extending {@code ImplBase}
 * (whose {@code bindService} is final) so that {@link MalformedRequests} can answer unparsable
 * request bytes with INVALID_ARGUMENT.
 */
@GrpcService
@RegisterInterceptor(BearerTokenInterceptor.class)
public class EnvGrpcService implements EnvServiceGrpc.AsyncService, BindableService {

  private final SessionManager sessions;
  private final ActorPool actors;
  private final ConfiguredActors configuredActors;
  private static final StatusMapping STATUSES =
      StatusMapping.builder("env-service")
          .map(UnknownGameException.class, Status.Code.NOT_FOUND)
          .map(SessionNotFoundException.class, Status.Code.NOT_FOUND)
          .map(SessionLimitException.class, Status.Code.RESOURCE_EXHAUSTED)
          .map(EpisodeOverException.class, Status.Code.FAILED_PRECONDITION)
          .map(ActorPool.AlreadyRunningException.class, Status.Code.FAILED_PRECONDITION)
          .map(ActorPool.NotRunningException.class, Status.Code.FAILED_PRECONDITION)
          .internal(AleException.class, "emulator failure: ")
          .build();
  private static final float DEFAULT_WATCH_FPS = 15;
  private static final float MAX_WATCH_FPS = 60;
  private static final int MAX_WATCHERS = 8;

  private final AtomicInteger watchers = new AtomicInteger();
  // Threads for StepStream lanes and actor watchers; idle ones end after a minute.
  private final ExecutorService streamThreads =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "step-stream");
            thread.setDaemon(true);
            return thread;
          });

  public EnvGrpcService(SessionManager sessions, ActorPool actors, ConfiguredActors configuredActors) {
    this.sessions = sessions;
    this.actors = actors;
    this.configuredActors = configuredActors;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return MalformedRequests.tolerant(EnvServiceGrpc.bindService(this));
  }

  @Override
  @Blocking
  public void listGames(ListGamesRequest request, StreamObserver<ListGamesResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          ListGamesResponse.Builder games = ListGamesResponse.newBuilder();
          sessions.catalogue().games().forEach(game -> games.addGames(ProtoMapping.game(game)));
          return games.build();
        });
  }

  @Override
  @Blocking
  public void createSession(
      CreateSessionRequest request, StreamObserver<CreateSessionResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          if (request.getGame().isEmpty()) {
            throw new IllegalArgumentException("game is required (ListGames lists them), e.g. pong");
          }
          Session session =
              sessions.create(
                  request.getGame(),
                  request.hasSeed() ? OptionalLong.of(request.getSeed()) : OptionalLong.empty(),
                  ProtoMapping.options(request.getOptions()),
                  request.getLatestFrameOnly());
          CreateSessionResponse.Builder created =
              CreateSessionResponse.newBuilder()
                  .setSessionId(session.id())
                  .addAllActions(ProtoMapping.actions(session.actions()))
                  .setOptions(ProtoMapping.options(session.options()))
                  .setObservation(
                      ProtoMapping.observation(session.observation(), session.observationShape()))
                  .setLives(session.lives());
          for (long dim : session.observationShape()) {
            created.addObservationShape(dim);
          }
          return created.build();
        });
  }

  @Override
  @Blocking
  public void closeSession(
      CloseSessionRequest request, StreamObserver<CloseSessionResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          sessions.close(ProtoMapping.requireSessionId(request.getSessionId()));
          return CloseSessionResponse.getDefaultInstance();
        });
  }

  @Override
  @Blocking
  public void reset(ResetRequest request, StreamObserver<ResetResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          ResetResult reset =
              sessions.reset(
                  ProtoMapping.requireSessionId(request.getSessionId()),
                  request.hasSeed() ? OptionalLong.of(request.getSeed()) : OptionalLong.empty());
          return ResetResponse.newBuilder()
              .setObservation(ProtoMapping.observation(reset.observation(), reset.observationShape()))
              .setLives(reset.lives())
              .build();
        });
  }

  @Override
  @Blocking
  public void step(StepRequest request, StreamObserver<StepResponse> response) {
    STATUSES.answer(request, response, () -> step(request));
  }

  /**
   * Not {@code @Blocking}: the callbacks arrive on the event loop and each stream's requests
   * are stepped in order on its own serial lane over {@link #streamThreads}.
   */
  @Override
  public StreamObserver<StepRequest> stepStream(StreamObserver<StepResponse> responses) {
    SerialExecutor lane = new SerialExecutor(streamThreads);
    return new StreamObserver<>() {
      private boolean ended;

      @Override
      public void onNext(StepRequest request) {
        lane.execute(
            () -> {
              if (ended) {
                return;
              }
              StepResponse stepped;
              try {
                MalformedRequests.requireWellFormed(request);
                stepped = step(request);
              } catch (RuntimeException e) {
                // A stream carries one status: the first bad request ends it.
                ended = true;
                responses.onError(STATUSES.toStatus(e));
                return;
              }
              responses.onNext(stepped);
            });
      }

      @Override
      public void onError(Throwable t) {
        lane.execute(() -> ended = true);
      }

      @Override
      public void onCompleted() {
        lane.execute(
            () -> {
              if (!ended) {
                ended = true;
                responses.onCompleted();
              }
            });
      }
    };
  }

  @PreDestroy
  void stopStreams() {
    streamThreads.shutdownNow();
  }

  @Override
  @Blocking
  public void getFrame(GetFrameRequest request, StreamObserver<GetFrameResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          Session session = sessions.get(ProtoMapping.requireSessionId(request.getSessionId()));
          return GetFrameResponse.newBuilder()
              .setHeight(session.rgbFrameHeight())
              .setWidth(session.rgbFrameWidth())
              .setRgb(UnsafeByteOperations.unsafeWrap(session.rgbFrame()))
              .build();
        });
  }

  @Override
  @Blocking
  public void startActors(StartActorsRequest request, StreamObserver<ActorStatus> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          ActorSettings settings = ProtoMapping.actorSettings(request, configuredActors.settings());
          return ProtoMapping.actorStatus(actors.start(settings), List.of());
        });
  }

  @Override
  @Blocking
  public void stopActors(StopActorsRequest request, StreamObserver<ActorStatus> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          try {
            return ProtoMapping.actorStatus(actors.stop(), List.of());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the actors", e);
          }
        });
  }

  @Override
  @Blocking
  public void getActorStatus(GetActorStatusRequest request, StreamObserver<ActorStatus> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          long after = request.getEpisodesAfter();
          return ProtoMapping.actorStatus(actors.status(), after < 0 ? List.of() : actors.gamesAfter(after));
        });
  }

  @Override
  @Blocking
  public void watchActor(WatchActorRequest request, StreamObserver<ActorFrame> response) {
    ActorWatch watch;
    long periodNanos;
    try {
      MalformedRequests.requireWellFormed(request);
      float fps = request.getFramesPerSecond() == 0 ? DEFAULT_WATCH_FPS : request.getFramesPerSecond();
      if (!(fps >= 1 && fps <= MAX_WATCH_FPS)) {
        throw new IllegalArgumentException(
            "frames_per_second must be 1.." + (int) MAX_WATCH_FPS + " (0 for " + (int) DEFAULT_WATCH_FPS + "), got " + fps);
      }
      periodNanos = (long) (1e9 / fps);
      watch = actors.watch(request.getActor(), request.getSession());
      if (watchers.incrementAndGet() > MAX_WATCHERS) {
        watchers.decrementAndGet();
        throw new StatusRuntimeException(
            Status.RESOURCE_EXHAUSTED.withDescription(
                MAX_WATCHERS + " actor watchers are connected already; close one and try again"));
      }
    } catch (RuntimeException e) {
      response.onError(STATUSES.toStatus(e));
      return;
    }
    ServerCallStreamObserver<ActorFrame> stream = (ServerCallStreamObserver<ActorFrame>) response;
    // With a cancel handler, a frame sent just after a cancel is dropped instead of throwing; the
    // loop polls isCancelled().
    stream.setOnCancelHandler(() -> {});
    streamThreads.execute(() -> {
      try {
        ActorWatchStream.run(watch, stream, periodNanos);
      } finally {
        watchers.decrementAndGet();
      }
    });
  }

  private StepResponse step(StepRequest request) {
    return ProtoMapping.response(sessions.step(ProtoMapping.commands(request)));
  }
}
