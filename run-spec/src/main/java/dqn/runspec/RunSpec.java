package dqn.runspec;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The run specification: every experiment setting of a training run, read from one properties file
 * a person edits and layered over the built-in default of the game's family ({@code atari} or
 * {@code catch}, in {@code dqn/runspec/}). Each service's settings are derived from it ({@link
 * #replayProperties()}, {@link #learnerProperties()}, {@link #envProperties()}), so a value that two
 * services must agree on is written once. Unknown keys and impossible values are refused with the
 * key named.
 */
public final class RunSpec {

  /** The property (env {@code DQN_RUN_SPEC}) that names a service's run specification file. */
  public static final String FILE_PROPERTY = "dqn.run-spec";

  /** The game whose family defaults apply when no file is given. */
  public static final String DEFAULT_GAME = "pong";

  private static final Set<String> BUILT_IN_FAMILIES = Set.of("catch");

  private final Map<String, String> values;

  private RunSpec(Map<String, String> values) {
    this.values = values;
    check();
  }

  /** The games built into the env-service (not ALE ROMs), each its own family of defaults. */
  public static Set<String> builtInGames() {
    return BUILT_IN_FAMILIES;
  }

  /** The built-in specification for a game: its family's defaults with {@code game} set. */
  public static RunSpec forGame(String game) {
    Map<String, String> values = familyDefaults(game);
    values.put("game", game);
    return new RunSpec(values);
  }

  /**
   * A specification file: its lines over the defaults of the family of the game it names (or of
   * {@value #DEFAULT_GAME} when it names none).
   */
  public static RunSpec load(Path file) {
    Properties read = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      read.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the run specification " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> overrides = new TreeMap<>();
    read.stringPropertyNames().forEach(key -> overrides.put(key, read.getProperty(key).trim()));
    String game = overrides.getOrDefault("game", DEFAULT_GAME);
    try {
      return forGame(game).with(overrides);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** This specification with some values replaced; the keys must be known. */
  public RunSpec with(Map<String, String> overrides) {
    Map<String, String> next = new TreeMap<>(values);
    for (Map.Entry<String, String> entry : overrides.entrySet()) {
      String key = entry.getKey();
      if (!values.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown run specification key '" + key + "'" + closestKey(key));
      }
      next.put(key, entry.getValue().trim());
    }
    if (!next.get("game").equals(values.get("game"))
        && !family(next.get("game")).equals(family(values.get("game")))) {
      // Another family's defaults apply to every key not overridden here.
      Map<String, String> rebased = familyDefaults(next.get("game"));
      for (Map.Entry<String, String> entry : next.entrySet()) {
        if (overrides.containsKey(entry.getKey())) {
          rebased.put(entry.getKey(), entry.getValue());
        }
      }
      return new RunSpec(rebased);
    }
    return new RunSpec(next);
  }

  /** The family whose defaults a game starts from. */
  public static String family(String game) {
    return BUILT_IN_FAMILIES.contains(game) ? game : "atari";
  }

  /** Every key and its value, sorted by key. */
  public Map<String, String> values() {
    return new TreeMap<>(values);
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("unknown run specification key '" + key + "'");
    }
    return value;
  }

  /** Writes the resolved specification (every key) atomically. */
  public void write(Path file, String header) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".run-spec", ".tmp");
    try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      for (String line : header.split("\n")) {
        out.write("# " + line + "\n");
      }
      String group = "";
      for (Map.Entry<String, String> entry : values.entrySet()) {
        String keyGroup = entry.getKey().contains(".") ? entry.getKey().substring(0, entry.getKey().indexOf('.')) : "";
        if (!keyGroup.equals(group)) {
          out.write("\n");
          group = keyGroup;
        }
        out.write(entry.getKey() + "=" + entry.getValue() + "\n");
      }
    }
    // A temporary file is private to its owner (0600); the specification is for anyone to read.
    if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---- typed values ------------------------------------------------------------------------------

  public String game() {
    return get("game");
  }

  public long seed() {
    return longValue("seed");
  }

  public long budgetFrames() {
    return longValue("budget.frames");
  }

  public int frameSkip() {
    return intValue("preprocessing.frame-skip");
  }

  public int frameStack() {
    return intValue("preprocessing.frame-stack");
  }

  public int screenHeight() {
    return intValue("preprocessing.screen-height");
  }

  public int screenWidth() {
    return intValue("preprocessing.screen-width");
  }

  public String architecture() {
    return get("network.architecture");
  }

  public boolean dueling() {
    return booleanValue("network.dueling");
  }

  public int batchSize() {
    return intValue("algorithm.batch-size");
  }

  public int updatePeriodSteps() {
    return intValue("algorithm.update-period-steps");
  }

  public long learningStartsSteps() {
    return longValue("algorithm.learning-starts-steps");
  }

  /** The rate the replay's limiter holds learner and actors to. */
  public double samplesPerInsert() {
    return (double) batchSize() / updatePeriodSteps();
  }

  public int actorCount() {
    return intValue("actors.count");
  }

  public int sessionsPerActor() {
    return intValue("actors.sessions-per-actor");
  }

  public long snapshotPeriodUpdates() {
    return longValue("snapshots.period-updates");
  }

  public String optimizerKind() {
    return get("optimizer.kind");
  }

  public String sampling() {
    return get("replay.sampling");
  }

  // ---- what each service derives -----------------------------------------------------------------

  /** The replay-service's settings ({@code dqn.replay.*}). */
  public Map<String, String> replayProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.replay.capacity", get("replay.capacity"));
    p.put("dqn.replay.frame-height", get("preprocessing.screen-height"));
    p.put("dqn.replay.frame-width", get("preprocessing.screen-width"));
    p.put("dqn.replay.frame-stack", get("preprocessing.frame-stack"));
    p.put("dqn.replay.n-step", get("algorithm.n-step"));
    p.put("dqn.replay.gamma", get("algorithm.gamma"));
    p.put("dqn.replay.clip-rewards", get("algorithm.clip-rewards"));
    p.put("dqn.replay.sampling", get("replay.sampling"));
    p.put("dqn.replay.seed", get("seed"));
    p.put("dqn.replay.prioritized.alpha", get("replay.prioritized-alpha"));
    p.put("dqn.replay.prioritized.beta-start", get("replay.prioritized-beta-start"));
    p.put("dqn.replay.rate-limiter.min-size-to-sample", get("algorithm.learning-starts-steps"));
    p.put("dqn.replay.rate-limiter.samples-per-insert", RunSpecRules.number(samplesPerInsert()));
    p.put("dqn.replay.rate-limiter.error-buffer", get("replay.rate-limiter-slack-samples"));
    return p;
  }

  /** The learner-service's settings ({@code dqn.learner.*}). */
  public Map<String, String> learnerProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.learner.network.game", get("game"));
    p.put("dqn.learner.network.architecture", get("network.architecture"));
    p.put("dqn.learner.network.dueling", get("network.dueling"));
    p.put("dqn.learner.network.seed", get("seed"));
    p.put("dqn.learner.network.frame-stack", get("preprocessing.frame-stack"));
    p.put("dqn.learner.network.frame-height", get("preprocessing.screen-height"));
    p.put("dqn.learner.network.frame-width", get("preprocessing.screen-width"));
    p.put("dqn.learner.algorithm.batch-size", get("algorithm.batch-size"));
    p.put("dqn.learner.algorithm.gamma", get("algorithm.gamma"));
    p.put("dqn.learner.algorithm.n-step", get("algorithm.n-step"));
    p.put("dqn.learner.algorithm.double-dqn", get("algorithm.double-dqn"));
    p.put("dqn.learner.algorithm.target-sync-period-updates", get("algorithm.target-sync-period-updates"));
    p.put("dqn.learner.algorithm.learning-starts-steps", get("algorithm.learning-starts-steps"));
    p.put("dqn.learner.algorithm.update-period-steps", get("algorithm.update-period-steps"));
    p.put("dqn.learner.algorithm.huber-delta", get("algorithm.huber-delta"));
    p.put("dqn.learner.algorithm.max-grad-norm", get("algorithm.max-grad-norm"));
    p.put("dqn.learner.algorithm.sampling", get("replay.sampling"));
    p.put("dqn.learner.optimizer.kind", get("optimizer.kind"));
    p.put("dqn.learner.optimizer.learning-rate", get("optimizer.learning-rate"));
    p.put("dqn.learner.optimizer.epsilon", get("optimizer.epsilon"));
    p.put("dqn.learner.snapshots.period-updates", get("snapshots.period-updates"));
    p.put("dqn.learner.checkpoints.period-updates", get("checkpoints.period-updates"));
    p.put("dqn.learner.data.frames-per-transition", get("preprocessing.frame-skip"));
    return p;
  }

  /** The env-service's actor settings ({@code dqn.env.actors.*}). */
  public Map<String, String> envProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("dqn.env.actors.game", get("game"));
    p.put("dqn.env.actors.count", get("actors.count"));
    p.put("dqn.env.actors.sessions-per-actor", get("actors.sessions-per-actor"));
    p.put("dqn.env.actors.seed", get("seed"));
    p.put("dqn.env.actors.exploration.mode", get("exploration.mode"));
    p.put("dqn.env.actors.exploration.epsilon-start", get("exploration.epsilon-start"));
    p.put("dqn.env.actors.exploration.epsilon-end", get("exploration.epsilon-end"));
    p.put("dqn.env.actors.exploration.epsilon-decay-frames", get("exploration.epsilon-decay-frames"));
    for (String key : values.keySet()) {
      if (key.startsWith("preprocessing.")) {
        p.put("dqn.env.actors." + key, get(key));
      }
    }
    return p;
  }

  /** Every service's settings together: what the configuration source gives each service. */
  public Map<String, String> serviceProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.putAll(replayProperties());
    p.putAll(learnerProperties());
    p.putAll(envProperties());
    return p;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunSpec spec && spec.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  // ---- checks ------------------------------------------------------------------------------------

  /**
   * For each key, the extreme values its check accepts (every choice of a choice). A specification
   * may still refuse one beside other values (a learning start above the capacity); any it accepts
   * must start every service, which each service's tests check.
   */
  public static Map<String, List<String>> edges() {
    return RunSpecRules.edges();
  }

  private void check() {
    List<String> problems = RunSpecRules.problems(values);
    if (problems.isEmpty()) {
      long capacity = longValue("replay.capacity");
      if (learningStartsSteps() > capacity) {
        problems.add(
            "algorithm.learning-starts-steps=" + learningStartsSteps()
                + " exceeds replay.capacity=" + capacity + ": learning would never start");
      }
      long sessions = (long) actorCount() * sessionsPerActor();
      if (sessions > RunSpecRules.MAX_ACTOR_SESSIONS) {
        problems.add(
            "actors.count x actors.sessions-per-actor = " + sessions + " sessions; the env-service plays at most "
                + RunSpecRules.MAX_ACTOR_SESSIONS);
      }
      if (Double.parseDouble(get("replay.rate-limiter-slack-samples")) < Math.max(1, samplesPerInsert())) {
        problems.add(
            "replay.rate-limiter-slack-samples must be at least algorithm.batch-size /"
                + " algorithm.update-period-steps = " + RunSpecRules.number(samplesPerInsert())
                + ", or the actors and the learner would hold each other back forever");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("run specification: " + String.join("; ", problems));
    }
  }

  private int intValue(String key) {
    return Integer.parseInt(get(key));
  }

  private long longValue(String key) {
    return Long.parseLong(get(key));
  }

  private boolean booleanValue(String key) {
    return Boolean.parseBoolean(get(key));
  }

  private String closestKey(String key) {
    return Suggestions.closest(key, values.keySet(), 1).stream()
        .filter(known -> Suggestions.distance(key, known) <= Math.max(3, key.length() / 3))
        .map(known -> " (did you mean '" + known + "'?)")
        .findFirst()
        .orElse("");
  }

  private static Map<String, String> familyDefaults(String game) {
    String resource = "/dqn/runspec/" + family(game) + ".properties";
    Properties read = new Properties();
    try (InputStream in = RunSpec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in run specification " + resource + " is missing");
      }
      read.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> values = new TreeMap<>();
    read.stringPropertyNames().forEach(key -> values.put(key, read.getProperty(key).trim()));
    return values;
  }
}
