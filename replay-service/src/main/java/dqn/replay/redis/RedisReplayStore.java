package dqn.replay.redis;

import dqn.replay.buffer.ReplayException;
import dqn.replay.buffer.ReplayStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The replay's steps in Redis, through Lettuce. Keys under a prefix P:
 *
 * <ul>
 *   <li>{@code P:layout} (hash) frame height, width and chunk size the data was written with;
 *   <li>{@code P:streams} (hash) stream name → serial; {@code P:next} (hash) serial → next
 *       sequence; {@code P:inserted} steps ever inserted (the global index);
 *   <li>{@code P:c:<serial>:<chunk>} one chunk: a header of {@code chunkSteps} fixed-size entries
 *       (global index, frame offset and length, reward, action, flags; zero length = absent)
 *       followed by the LZ4 frames back to back.
 * </ul>
 *
 * <p>A commit is one Lua script, so Redis applies it whole or not at all (with AOF the script's
 * effects are logged as one transaction, and a torn tail is dropped on load): a chunk is never
 * seen half-written. The script first checks each chunk's length against what the replay expects;
 * a retry of a commit that did apply is recognized and not applied twice. Samples read only the
 * frames they need: the byte ranges of a whole batch in one script call. Connection failures are
 * retried with exponential backoff, then reported as {@link ReplayException.StoreUnavailable}.
 *
 * <p>Longer than most classes here: it is the whole Redis adapter (connection and its options,
 * AUTH and append-only checks at start, retries, loading, commit and reads), none of which another
 * class needs; the entry layout is {@link ChunkEntries}', the scripts are resources.
 */
public final class RedisReplayStore implements ReplayStore {

  /** Applies a commit whole; its keys and arguments are listed at its top, in the order commit packs them. */
  private static final String COMMIT_SCRIPT = script("commit.lua");

  /** Reads byte ranges of many chunks in one round trip. */
  private static final String READ_SCRIPT = script("read.lua");

  private final Layout layout;
  private final String prefix;
  private final RetryPolicy retry;
  private final String address;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final int headerBytes;
  private static final Logger LOG = Logger.getLogger(RedisReplayStore.class);

  private final String scriptSha;
  private final String readScriptSha;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long cachedBytesUsed;
  private volatile long bytesUsedReadAt;

  /** Attempts and backoff for connection failures. */
  public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {}

  /**
   * Connects (retrying as the policy says) and checks that data already under {@code keyPrefix}
   * was written with the same layout.
   */
  public RedisReplayStore(
      String uri, String keyPrefix, Layout layout, RetryPolicy retry, Duration commandTimeout) {
    this(uri, Optional.empty(), keyPrefix, layout, retry, commandTimeout);
  }

  /**
   * The same, with Redis AUTH: {@code password} (when present) replaces any password in the URI.
   * A refused or missing password stops the start with what to change.
   */
  public RedisReplayStore(
      String uri, Optional<String> password, String keyPrefix, Layout layout, RetryPolicy retry, Duration commandTimeout) {
    this.layout = layout;
    this.prefix = keyPrefix;
    this.retry = retry;
    this.headerBytes = layout.chunkSteps() * ChunkEntries.BYTES;
    RedisURI redisUri = RedisURI.create(uri);
    password.filter(p -> !p.isEmpty()).ifPresent(p -> redisUri.setPassword(p.toCharArray()));
    this.address = redisUri.getHost() + ":" + redisUri.getPort();
    // Reconnect attempts back off to at most the retry policy's ceiling (Lettuce's own is 30 s),
    // so service resumes soon after Redis returns.
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    retry.initialBackoff(), retry.maxBackoff(), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, redisUri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail fast while disconnected, so callers get UNAVAILABLE instead of a silent queue.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    StatefulRedisConnection<byte[], byte[]> connected;
    try {
      connected = withRetry("connect", () -> client.connect(ByteArrayCodec.INSTANCE));
    } catch (RuntimeException e) {
      client.shutdown();
      resources.shutdown();
      throw e;
    }
    this.connection = connected;
    this.scriptSha =
        withRetry("load the commit script", () -> connection.sync().scriptLoad(bytes(COMMIT_SCRIPT)));
    this.readScriptSha =
        withRetry("load the read script", () -> connection.sync().scriptLoad(bytes(READ_SCRIPT)));
    checkLayout();
    checkAppendOnly();
  }

  @Override
  public String kind() {
    return "redis";
  }

  @Override
  public boolean reachable() {
    return connection.isOpen();
  }

  /**
   * Acknowledged steps survive a Redis restart only with its append-only file on: say which it
   * is, once, at start (a managed Redis may refuse CONFIG; then say that).
   */
  private void checkAppendOnly() {
    String appendOnly;
    try {
      appendOnly = connection.sync().configGet("appendonly").getOrDefault("appendonly", "unknown");
    } catch (RedisException e) {
      LOG.warnf(
          "Redis at %s does not say whether its append-only file is on (CONFIG GET: %s): acknowledged"
              + " steps survive a Redis restart only with appendonly yes",
          address, rootMessage(e));
      return;
    }
    if (appendOnly.equals("yes")) {
      LOG.infof("Redis at %s keeps an append-only file: acknowledged steps survive its restarts", address);
    } else {
      LOG.warnf(
          "Redis at %s runs with appendonly %s: acknowledged steps are lost when it restarts. Start it"
              + " with --appendonly yes (or CONFIG SET appendonly yes) to keep them",
          address, appendOnly);
    }
  }

  /** host:port of the Redis server. */
  public String address() {
    return address;
  }

  private void checkLayout() {
    Map<String, String> wanted =
        Map.of(
            "frame-height", String.valueOf(layout.frameHeight()),
            "frame-width", String.valueOf(layout.frameWidth()),
            "chunk-steps", String.valueOf(layout.chunkSteps()));
    Map<byte[], byte[]> stored = withRetry("read the layout", () -> sync().hgetall(key("layout")));
    if (stored.isEmpty()) {
      Map<byte[], byte[]> fields = new HashMap<>();
      wanted.forEach((k, v) -> fields.put(bytes(k), bytes(v)));
      withRetry("write the layout", () -> sync().hset(key("layout"), fields));
      return;
    }
    Map<String, String> found = new HashMap<>();
    stored.forEach((k, v) -> found.put(string(k), string(v)));
    if (!found.equals(wanted)) {
      throw new IllegalStateException(
          "Redis at " + address + " holds a replay under the key prefix '" + prefix
              + "' written with " + found + ", but this service is configured for " + wanted
              + ": configure the same frame size and chunk size, or another"
              + " dqn.replay.redis.key-prefix");
    }
  }

  @Override
  public StoredReplay load() {
    return withRetry("load the replay", this::loadOnce);
  }

  private StoredReplay loadOnce() {
    RedisCommands<byte[], byte[]> sync = sync();
    Map<Integer, String> names = new HashMap<>();
    sync.hgetall(key("streams")).forEach((k, v) -> names.put(Integer.parseInt(string(v)), string(k)));
    Map<Integer, Long> next = new HashMap<>();
    sync.hgetall(key("next")).forEach((k, v) -> next.put(Integer.parseInt(string(k)), Long.parseLong(string(v))));
    byte[] inserted = sync.get(key("inserted"));
    long insertedTotal = inserted == null ? 0 : Long.parseLong(string(inserted));

    List<byte[]> chunkKeys = new ArrayList<>();
    ScanArgs match = ScanArgs.Builder.matches(prefix + ":c:*").limit(1000);
    KeyScanCursor<byte[]> cursor = sync.scan(match);
    chunkKeys.addAll(cursor.getKeys());
    while (!cursor.isFinished()) {
      cursor = sync.scan(ScanCursor.of(cursor.getCursor()), match);
      chunkKeys.addAll(cursor.getKeys());
    }
    RedisAsyncCommands<byte[], byte[]> async = connection.async();
    Map<Integer, List<StepRecord>> steps = new HashMap<>();
    for (int from = 0; from < chunkKeys.size(); from += 1000) {
      List<byte[]> batch = chunkKeys.subList(from, Math.min(chunkKeys.size(), from + 1000));
      List<RedisFuture<byte[]>> headers = new ArrayList<>();
      for (byte[] k : batch) {
        headers.add(async.getrange(k, 0, headerBytes - 1));
      }
      awaitAll(headers);
      for (int i = 0; i < batch.size(); i++) {
        String[] parts = string(batch.get(i)).substring(prefix.length() + 3).split(":");
        int serial = Integer.parseInt(parts[0]);
        long chunk = Long.parseLong(parts[1]);
        steps
            .computeIfAbsent(serial, s -> new ArrayList<>())
            .addAll(ChunkEntries.decode(get(headers.get(i)), chunk, layout.chunkSteps()));
      }
    }
    List<StoredStream> streams = new ArrayList<>();
    names.forEach(
        (serial, name) -> {
          List<StepRecord> list = steps.getOrDefault(serial, new ArrayList<>());
          list.sort(Comparator.comparingLong(StepRecord::sequence));
          streams.add(new StoredStream(name, serial, next.getOrDefault(serial, 0L), list));
        });
    return new StoredReplay(streams, insertedTotal);
  }

  @Override
  public void commit(Commit commit) {
    List<byte[]> keys = new ArrayList<>();
    keys.add(key("streams"));
    keys.add(key("next"));
    keys.add(key("inserted"));
    for (ChunkAppend append : commit.appends()) {
      keys.add(chunkKey(append.stream(), append.chunk()));
    }
    for (ChunkId id : commit.deletes()) {
      keys.add(chunkKey(id.stream(), id.chunk()));
    }
    // In the order commit.lua reads them.
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(String.valueOf(headerBytes)));
    args.add(bytes(String.valueOf(commit.appends().size())));
    args.add(bytes(String.valueOf(commit.deletes().size())));
    args.add(bytes(String.valueOf(commit.newStreams().size())));
    args.add(bytes(String.valueOf(commit.nextSequences().size())));
    args.add(bytes(String.valueOf(commit.insertedTotal())));
    for (NewStream s : commit.newStreams()) {
      args.add(bytes(s.name()));
      args.add(bytes(String.valueOf(s.serial())));
    }
    commit.nextSequences()
        .forEach(
            (serial, next) -> {
              args.add(bytes(String.valueOf(serial)));
              args.add(bytes(String.valueOf(next)));
            });
    for (ChunkAppend append : commit.appends()) {
      args.add(bytes(String.valueOf(append.dataLengthBefore())));
      long firstSeq = append.steps().get(0).sequence();
      args.add(bytes(String.valueOf((firstSeq % layout.chunkSteps()) * ChunkEntries.BYTES)));
      args.add(ChunkEntries.encode(append.steps()));
      args.add(append.frames());
    }
    byte[][] keyArray = keys.toArray(new byte[0][]);
    byte[][] argArray = args.toArray(new byte[0][]);
    withRetry(
        "commit " + commit.appends().size() + " chunk writes",
        () -> {
          try {
            return connection.sync().evalsha(scriptSha, ScriptOutputType.INTEGER, keyArray, argArray);
          } catch (RedisNoScriptException e) {
            // Redis restarted and forgot its script cache.
            return connection.sync().eval(COMMIT_SCRIPT, ScriptOutputType.INTEGER, keyArray, argArray);
          }
        });
  }

  @Override
  public byte[][] read(List<ByteRange> ranges) {
    byte[][] keys = new byte[ranges.size()][];
    byte[][] args = new byte[2 * ranges.size()][];
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      keys[i] = chunkKey(r.stream(), r.chunk());
      args[2 * i] = bytes(String.valueOf(headerBytes + r.from()));
      args[2 * i + 1] = bytes(String.valueOf(headerBytes + r.to() - 1L));
    }
    List<Object> replies =
        withRetry(
            "read " + ranges.size() + " frame ranges",
            () -> {
              try {
                return connection.sync().evalsha(readScriptSha, ScriptOutputType.MULTI, keys, args);
              } catch (RedisNoScriptException e) {
                return connection.sync().eval(READ_SCRIPT, ScriptOutputType.MULTI, keys, args);
              }
            });
    byte[][] out = new byte[ranges.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte[]) replies.get(i);
      ByteRange r = ranges.get(i);
      if (out[i].length != r.to() - r.from()) {
        throw new IllegalStateException(
            "chunk " + r.stream() + "/" + r.chunk() + " in Redis lacks bytes " + r.from() + ".."
                + r.to() + " that the index refers to");
      }
    }
    return out;
  }

  @Override
  public long bytesUsed() {
    long now = System.nanoTime();
    if (now - bytesUsedReadAt > TimeUnit.SECONDS.toNanos(1)) {
      String info = withRetry("read INFO memory", () -> connection.sync().info("memory"));
      cachedBytesUsed = usedMemory(info);
      bytesUsedReadAt = now;
    }
    return cachedBytesUsed;
  }

  /** The used_memory figure of an INFO reply. */
  public static long usedMemory(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory line");
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private RedisCommands<byte[], byte[]> sync() {
    return connection.sync();
  }

  private <T> T withRetry(String what, Supplier<T> action) {
    long backoff = retry.initialBackoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (RedisException e) {
        Optional<String> authentication = authenticationFailure(e);
        if (authentication.isPresent()) {
          throw new IllegalStateException(authentication.get(), e);
        }
        if (e instanceof RedisCommandExecutionException) {
          throw new IllegalStateException("Redis at " + address + " refused to " + what + ": " + e.getMessage(), e);
        }
        if (attempt >= retry.attempts()) {
          throw new ReplayException.StoreUnavailable(
              "Redis at " + address + " is unreachable (" + rootMessage(e) + "); could not " + what
                  + " after " + attempt + " attempts; nothing of this call was acknowledged,"
                  + " retry later",
              e);
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ReplayException.StoreUnavailable("interrupted while retrying to " + what, e);
        }
        backoff = Math.min(backoff * 2, retry.maxBackoff().toMillis());
      }
    }
  }

  /** What to change when Redis refused the connection's AUTH (or asked for one); empty otherwise. */
  private Optional<String> authenticationFailure(RedisException e) {
    String root = rootMessage(e);
    if (root.startsWith("WRONGPASS") || root.startsWith("ERR invalid password")) {
      return Optional.of(
          "Redis at " + address + " refused the password (" + root + "): set the right one in"
              + " dqn.replay.redis.password (DQN_REPLAY_REDIS_PASSWORD; on Kubernetes the Secret's redis-password)");
    }
    if (root.startsWith("NOAUTH")) {
      return Optional.of(
          "Redis at " + address + " requires a password (" + root + "): set dqn.replay.redis.password"
              + " (DQN_REPLAY_REDIS_PASSWORD)");
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void awaitAll(List<? extends RedisFuture<?>> futures) {
    if (!LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(new RedisFuture[0]))) {
      throw new io.lettuce.core.RedisCommandTimeoutException("pipelined reads timed out");
    }
  }

  private static <T> T get(RedisFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RedisException redis) {
        throw redis;
      }
      throw new RedisException(e.getCause());
    }
  }

  private byte[] key(String name) {
    return bytes(prefix + ":" + name);
  }

  private byte[] chunkKey(int stream, long chunk) {
    return bytes(prefix + ":c:" + stream + ":" + chunk);
  }

  private static String script(String name) {
    try (var in = RedisReplayStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the replay-service lacks its Redis script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
