package dqn.cli;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RecentReturns;
import dqn.cli.report.RunProgress;
import dqn.v1.ActorStatus;
import dqn.v1.FinishedEpisode;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetStatsRequest;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerStatus;
import dqn.v1.ReplayStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands, asked of its services: each sample is one {@link MetricsRow} and the games
 * finished since the previous one. Used by {@code dqn train} (which writes them to the run's CSV
 * files) and by {@code dqn dashboard} pointed at services with no run directory.
 */
final class RunSampler {

  /** One look at the services. */
  record Sample(MetricsRow row, List<EpisodeRow> games, ActorStatus actors, LearnerStatus learner) {}

  private final ServiceClients clients;
  private final double wallSecondsBefore;
  private final long startNanos = System.nanoTime();
  private final RecentReturns recent;
  private long lastEpisode;

  /** Continues from {@code progress}: a resumed run's wall time and recent games. */
  RunSampler(ServiceClients clients, RunProgress progress) {
    this.clients = clients;
    this.wallSecondsBefore = progress.wallSeconds();
    this.recent = new RecentReturns(progress.lastReturns());
    this.lastEpisode = progress.episodes();
  }

  /** @throws io.grpc.StatusRuntimeException when a service does not answer */
  Sample sample() {
    ActorStatus actors =
        clients.env().getActorStatus(GetActorStatusRequest.newBuilder().setEpisodesAfter(lastEpisode).build());
    LearnerStatus learner = clients.learner().getStatus(GetStatusRequest.getDefaultInstance());
    ReplayStats replay = clients.replay().getStats(GetStatsRequest.getDefaultInstance());
    List<EpisodeRow> games = new ArrayList<>();
    for (FinishedEpisode game : actors.getFinishedEpisodesList()) {
      games.add(new EpisodeRow(game.getEndFrames(), game.getEpisodeReturn(), game.getLengthSteps(), "actor-" + game.getActor()));
      recent.add(game.getEpisodeReturn());
      lastEpisode = Math.max(lastEpisode, game.getIndex());
    }
    boolean updated = learner.getUpdateStep() > 0;
    MetricsRow row =
        new MetricsRow(
            actors.getFrames(),
            wallSecondsBefore + (System.nanoTime() - startNanos) / 1e9,
            learner.getUpdateStep(),
            actors.getEpisodes(),
            recent.mean(),
            updated ? learner.getLoss() : Double.NaN,
            actors.getEpsilon(),
            actors.getFramesPerSecond(),
            learner.getUpdatesPerSecond(),
            replay.getSize(),
            actors.getModelVersion(),
            updated ? learner.getDataWaitFraction() : Double.NaN);
    return new Sample(row, games, actors, learner);
  }
}
