package dqn.runspec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a launcher gives each service besides the run specification's: where it finds the
 * others and where the run keeps its files. Written here, beside {@link RunSpec}'s own mapping
 * ({@link RunSpec#serviceProperties()}), so each service key a launcher sets is named once.
 */
public final class ServiceWiring {

  private ServiceWiring() {}

  /** The env-service: the actors' inference- and replay-service, and room for their sessions. */
  public static Map<String, String> env(String inferenceTarget, String replayTarget, int maxSessions) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.env.actors.inference-target", inferenceTarget);
    p.put("dqn.env.actors.replay-target", replayTarget);
    p.put("dqn.env.sessions.max", Integer.toString(maxSessions));
    return p;
  }

  /** The replay-service: its Redis ("" keeps the replay in memory) and the prefix of its keys there. */
  public static Map<String, String> replay(String redisUri, String redisKeyPrefix) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.replay.redis-uri", redisUri);
    p.put("dqn.replay.redis.key-prefix", redisKeyPrefix);
    return p;
  }

  /** The inference-service: where it keeps the models it is given. */
  public static Map<String, String> inference(Path modelDir) {
    return Map.of("dqn.inference.registry.model-dir", modelDir.toString());
  }

  /** The learner-service: the three services it calls, and where it writes checkpoints and snapshots. */
  public static Map<String, String> learner(
      String replayTarget, String inferenceTarget, String envTarget, Path checkpointDir, Path snapshotDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.learner.replay-target", replayTarget);
    p.put("dqn.learner.inference-target", inferenceTarget);
    p.put("dqn.learner.env-target", envTarget);
    p.put("dqn.learner.checkpoints.dir", checkpointDir.toString());
    p.put("dqn.learner.snapshots.dir", snapshotDir.toString());
    return p;
  }
}
