package dqn.learner.grpc;

import dqn.client.Channels;
import dqn.learner.game.EnvUnavailableException;
import dqn.learner.game.GameCatalog;
import dqn.v1.ActionInfo;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.Game;
import dqn.v1.ListGamesRequest;
import dqn.v1.ListGamesResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The env-service's games over gRPC (ListGames). */
public final class GrpcGameCatalog implements GameCatalog {

  private final String target;
  private final ManagedChannel channel;
  private final long rpcDeadlineMs;

  public GrpcGameCatalog(String target, long rpcDeadlineMs, Optional<String> bearerToken) {
    this.target = target;
    this.rpcDeadlineMs = rpcDeadlineMs;
    this.channel = Channels.open(target, bearerToken);
  }

  @Override
  public Map<String, List<String>> minimalActionSets() {
    ListGamesResponse response;
    try {
      response =
          EnvServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(rpcDeadlineMs, TimeUnit.MILLISECONDS)
              .listGames(ListGamesRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw new EnvUnavailableException(
          source() + " failed ListGames (" + e.getStatus().getCode() + ")"
              + (e.getStatus().getDescription() != null ? ": " + e.getStatus().getDescription() : ""),
          e);
    }
    Map<String, List<String>> games = new LinkedHashMap<>();
    for (Game game : response.getGamesList()) {
      games.put(
          game.getName(),
          game.getMinimalActionsList().stream()
              .sorted(Comparator.comparingInt(ActionInfo::getIndex))
              .map(ActionInfo::getMeaning)
              .toList());
    }
    return games;
  }

  @Override
  public String source() {
    return "the env-service at " + target;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
