package dqn.env.actors;

import dqn.env.session.Session;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One actor session as a viewer sees it: its screen and the score of the game it is playing,
 * read on the viewer's thread while the actor plays on. Valid until the actors it was taken from
 * stop.
 */
public final class ActorWatch {

  /** One screen and where the game stood when it was taken. */
  public record Frame(
      int actor,
      int session,
      int height,
      int width,
      byte[] rgb,
      double episodeReturn,
      long episodeSteps,
      long frames,
      long modelVersion) {}

  private final ActorPool pool;
  private final Object started;
  private final ActorLoop loop;
  private final int session;
  private final AtomicLong globalFrames;

  ActorWatch(ActorPool pool, Object started, ActorLoop loop, int session, AtomicLong globalFrames) {
    this.pool = pool;
    this.started = started;
    this.loop = loop;
    this.session = session;
    this.globalFrames = globalFrames;
  }

  /** Whether the actors this watch was taken from still play. */
  public boolean playing() {
    return pool.isRunning(started);
  }

  /** The session's current screen and score. */
  public Frame frame() {
    Session watched = loop.sessions().get(session);
    return new Frame(
        loop.index(),
        session,
        watched.rgbFrameHeight(),
        watched.rgbFrameWidth(),
        watched.rgbFrame(),
        loop.episodeReturn(session),
        loop.episodeSteps(session),
        globalFrames.get(),
        loop.modelVersion());
  }
}
