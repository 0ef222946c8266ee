package dqn.replay.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dqn.frames.FrameStacks;
import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.Replay;
import dqn.replay.buffer.ReplaySettings;
import dqn.replay.buffer.ReplayStore;
import dqn.replay.buffer.SamplingMode;
import dqn.replay.ratelimit.RateLimiter;
import dqn.replay.redis.RedisReplayStore;
import dqn.replay.testing.RedisServerProcess;
import dqn.launcher.ServiceProcess;
import dqn.v1.CompressedFrames;
import dqn.v1.GetStatsRequest;
import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.ReplayStats;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.StateEncoding;
import dqn.v1.TimeStep;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Measures the replay-service as deployed: the packaged jar over a real redis-server (AOF on),
 * fed over gRPC on loopback with real Pong frames (made by {@code bench/pong_frames.py}).
 *
 * <ol>
 *   <li>inserts/s: 4 concurrent Insert streams, batches of 32 steps, 4 batches in flight each;
 *       the 200,000 steps go in three times, and the third pass is the warm service's number;
 *   <li>bytes per transition: Redis's INFO used_memory after minus before, over the third pass;
 *   <li>sample latency for batch 32, uniform and prioritized, with either state encoding: end to
 *       end over gRPC (LZ4 frames including the client's rebuilding of the states), and inside the
 *       replay (a second Replay rebuilt over the same Redis, which also times the rebuild).
 * </ol>
 *
 * <p>Arguments: [frames file (default .cache/replay-bench/pong-frames.bin)] [service jar (default
 * replay-service/target/quarkus-app/quarkus-run.jar)]. Run from the repository root.
 */
public final class ReplayBenchmark {

  private static final int STREAMS = 4;
  private static final int BATCH = 32;
  private static final int IN_FLIGHT = 4;
  private static final int SAMPLES = 2000;
  private static final int WARMUP = Integer.getInteger("bench.sampleWarmup", 8000);
  private static final int INSERT_PASSES = 3;

  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path framesFile = Paths.get(args.length > 0 ? args[0] : ".cache/replay-bench/pong-frames.bin");
    Path jar =
        Paths.get(args.length > 1 ? args[1] : "replay-service/target/quarkus-app/quarkus-run.jar")
            .toAbsolutePath();
    PongFrames frames = PongFrames.open(framesFile);
    System.out.printf("frames: %d real Pong steps of %dx%d from %s%n", frames.steps, frames.height, frames.width, framesFile);
    List<String> rows = new ArrayList<>();
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      ServiceProcess.Builder builder = ServiceProcess.builder(jar);
      String javaOptions = System.getProperty("bench.serviceJavaOptions");
      if (javaOptions != null) {
        // Profiling aid, e.g. -XX:StartFlightRecording=settings=profile,filename=replay.jfr
        builder.environment("JAVA_TOOL_OPTIONS", javaOptions);
      }
      if (Boolean.getBoolean("bench.separateGrpcServer")) {
        int grpcPort = dqn.launcher.FreePorts.pick();
        builder.port(grpcPort).property("quarkus.grpc.server.use-separate-server", "true")
            .property("quarkus.grpc.server.port", String.valueOf(grpcPort))
            .property("quarkus.http.port", String.valueOf(dqn.launcher.FreePorts.pick()));
      }
      try (ServiceProcess service =
          builder
              .environment("DQN_REPLAY_REDIS_URI", redis.uri())
              .property("dqn.replay.rate-limiter.min-size-to-sample", "1000")
              .property("dqn.replay.rate-limiter.samples-per-insert", "0")
              .start()
              .awaitServing(Duration.ofSeconds(60))) {
        ManagedChannel channel =
            NettyChannelBuilder.forAddress("127.0.0.1", service.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .flowControlWindow(16 << 20)
                .build();
        try {
          // The same 200,000 steps, inserted INSERT_PASSES times through new streams: the first
          // pass runs while the JIT still compiles the service (on 2 cores that takes tens of
          // seconds), the last one shows the service warm. Only the last is timed in detail.
          for (int pass = 1; pass < INSERT_PASSES; pass++) {
            double rate = insertAll(channel, frames, frames.steps / STREAMS, "pass" + pass + "-actor-");
            rows.add(row("inserts/s, pass " + pass + " of " + INSERT_PASSES + " (JIT warming up)", "%.0f", rate, ""));
          }
          long before = usedMemory(redis.uri());
          double serviceCpu = processCpuSeconds(service.pid());
          double redisCpu = redisCpuSeconds(redis.uri());
          double clientCpu = ownCpuSeconds();
          double insertsPerSecond = insertAll(channel, frames, frames.steps / STREAMS, "actor-");
          serviceCpu = processCpuSeconds(service.pid()) - serviceCpu;
          redisCpu = redisCpuSeconds(redis.uri()) - redisCpu;
          clientCpu = ownCpuSeconds() - clientCpu;
          rows.add(row("inserts/s, pass " + INSERT_PASSES + ": 4 streams x batches of 32 (gRPC -> Redis)", "%.0f", insertsPerSecond, ">= 20,000"));
          rows.add(row("  CPU per transition: service (gRPC + replay), us", "%.1f", serviceCpu / frames.steps * 1e6, ""));
          rows.add(row("  CPU per transition: redis-server, us", "%.1f", redisCpu / frames.steps * 1e6, ""));
          rows.add(row("  CPU per transition: benchmark client, us", "%.1f", clientCpu / frames.steps * 1e6, ""));
          long after = usedMemory(redis.uri());
          ReplayStats stats = ReplayServiceGrpc.newBlockingStub(channel).getStats(GetStatsRequest.getDefaultInstance());
          double perTransition = (double) (after - before) / frames.steps;
          System.out.printf("INFO used_memory %d before, %d after the timed inserts%n", before, after);
          rows.add(row("bytes per transition in Redis (INFO used_memory delta)", "%.0f", perTransition, "<= 2,500"));
          rows.add(row("LZ4 compression ratio of the frames", "%.1f", stats.getCompressionRatio(), ""));
          System.out.printf("stats after inserts: size=%d total_inserted=%d bytes_used=%d%n", stats.getSize(), stats.getTotalInserted(), stats.getBytesUsed());
          if (Boolean.getBoolean("bench.insertsOnly")) {
            rows.forEach(System.out::println);
            return;
          }
          long[] emptyCall = emptyCallOverGrpc(channel);
          rows.add(msPair("GetStats (a small unary call) over gRPC, p50 / p99 ms", emptyCall[0], emptyCall[1]));
          for (StateEncoding encoding : List.of(StateEncoding.STATE_ENCODING_LZ4_FRAMES, StateEncoding.STATE_ENCODING_STACKED)) {
            for (dqn.v1.SamplingMode mode : List.of(dqn.v1.SamplingMode.SAMPLING_MODE_UNIFORM, dqn.v1.SamplingMode.SAMPLING_MODE_PRIORITIZED)) {
              long[] nanos = sampleOverGrpc(channel, mode, encoding);
              String name =
                  (mode == dqn.v1.SamplingMode.SAMPLING_MODE_UNIFORM ? "uniform" : "prioritized")
                      + (encoding == StateEncoding.STATE_ENCODING_STACKED
                          ? ", stacked states (" + nanos[2] / 1000 + " KB)"
                          : ", LZ4 frames (" + nanos[2] / 1000 + " KB) + client decode");
              rows.add(row("Sample batch 32 " + name + " over gRPC, p50 ms", "%.2f", nanos[0] / 1e6, ""));
              rows.add(row("Sample batch 32 " + name + " over gRPC, p99 ms", "%.2f", nanos[1] / 1e6, "<= 2"));
            }
          }
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      // The same data, sampled inside a Replay rebuilt from Redis (no gRPC, no response encoding).
      long started = System.nanoTime();
      try (Replay replay = inProcessReplay(redis.uri(), "dqn:replay", frames)) {
        double rebuildSeconds = (System.nanoTime() - started) / 1e9;
        rows.add(row("index rebuild from Redis (" + replay.size() + " transitions), s", "%.2f", rebuildSeconds, ""));
        for (SamplingMode mode : SamplingMode.values()) {
          long[] nanos = sampleInProcess(replay, mode);
          String name = mode.name().toLowerCase();
          rows.add(row("Replay.sample batch 32 " + name + " (Redis reads), p50 ms", "%.2f", nanos[0] / 1e6, ""));
          rows.add(row("Replay.sample batch 32 " + name + " (Redis reads), p99 ms", "%.2f", nanos[1] / 1e6, "<= 2"));
          rows.add(msPair("Replay.sample batch 32 " + name + ": CPU of the calling thread, p50 / p99 ms", nanos[2], nanos[3]));
        }
      }
    }
    try (RedisServerProcess redis = RedisServerProcess.start();
        Replay replay = inProcessReplay(redis.uri(), "bench:direct", frames)) {
      rows.add(row("inserts/s, 4 threads calling Replay.insert (no gRPC) -> Redis", "%.0f", insertDirect(replay, frames), ""));
    }
    System.out.println();
    System.out.println("load average at the end: " + java.nio.file.Files.readString(Paths.get("/proc/loadavg")).trim());
    System.out.println("| measure | value | target |");
    System.out.println("|---|---:|---|");
    rows.forEach(System.out::println);
  }

  /** A row of two nanosecond figures shown as "p50 / p99" milliseconds, without a target. */
  private static String msPair(String name, long p50Nanos, long p99Nanos) {
    return "| " + name + " | " + String.format("%.2f / %.2f", p50Nanos / 1e6, p99Nanos / 1e6) + " |  |";
  }

  private static String row(String name, String format, double value, String target) {
    return "| " + name + " | " + String.format(format, value) + " | " + target + " |";
  }

  /** user + system CPU seconds of a process, from /proc (clock ticks of 1/100 s). */
  private static double processCpuSeconds(long pid) throws IOException {
    String stat = java.nio.file.Files.readString(Paths.get("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static double redisCpuSeconds(String uri) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      double total = 0;
      for (String line : c.sync().info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return total;
    } finally {
      client.shutdown();
    }
  }

  private static long usedMemory(String uri) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return RedisReplayStore.usedMemory(c.sync().info("memory"));
    } finally {
      client.shutdown();
    }
  }

  /** Streams every frame of the file: stream i takes the i-th quarter, in batches of 32. */
  private static double insertAll(
      ManagedChannel channel, PongFrames frames, int perStream, String streamPrefix)
      throws Exception {
    long started = System.nanoTime();
    List<CompletableFuture<Long>> done = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      int stream = s;
      done.add(
          streamBatches(
              channel,
              (perStream + BATCH - 1) / BATCH,
              b -> {
                InsertRequest.Builder request = InsertRequest.newBuilder().setStreamId(streamPrefix + stream);
                for (int i = b * BATCH; i < Math.min(perStream, (b + 1) * BATCH); i++) {
                  request.addSteps(frames.step(stream * perStream + i, i, i == 0));
                }
                return request.build();
              }));
    }
    long acked = 0;
    for (CompletableFuture<Long> d : done) {
      acked += d.get(10, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%s*: %d steps acknowledged in %.1f s%n", streamPrefix, acked, seconds);
    return acked / seconds;
  }

  /** One actor's Insert stream with a window of batches in flight; completes with steps acked. */
  private static CompletableFuture<Long> streamBatches(
      ManagedChannel channel, int batchCount, java.util.function.IntFunction<InsertRequest> batch) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Semaphore window = new Semaphore(IN_FLIGHT);
    long[] steps = {0};
    StreamObserver<InsertRequest> out =
        ReplayServiceGrpc.newStub(channel)
            .insert(
                new StreamObserver<>() {
                  @Override
                  public void onNext(InsertAck ack) {
                    steps[0] = ack.getAckedSequence() + 1;
                    window.release();
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                    window.release(IN_FLIGHT);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(steps[0]);
                  }
                });
    Thread sender =
        new Thread(
            () -> {
              try {
                for (int b = 0; b < batchCount; b++) {
                  InsertRequest r = batch.apply(b);
                  window.acquire();
                  if (done.isDone()) {
                    return;
                  }
                  out.onNext(r);
                }
                window.acquire(IN_FLIGHT);
                out.onCompleted();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    sender.start();
    return done;
  }

  /** Wall-clock p50 and p99 of GetStats: what any unary call costs on this transport. */
  private static long[] emptyCallOverGrpc(ManagedChannel channel) {
    var stub = ReplayServiceGrpc.newBlockingStub(channel);
    long[] nanos = new long[SAMPLES];
    for (int i = -WARMUP; i < SAMPLES; i++) {
      long t = System.nanoTime();
      stub.getStats(GetStatsRequest.getDefaultInstance());
      if (i >= 0) {
        nanos[i] = System.nanoTime() - t;
      }
    }
    return percentiles(nanos);
  }

  /**
   * Wall-clock p50 and p99 of Sample, and the response size in bytes. With LZ4 frames the time
   * includes rebuilding the stacked states in the client, as the learner does.
   */
  private static long[] sampleOverGrpc(
      ManagedChannel channel, dqn.v1.SamplingMode mode, StateEncoding encoding) {
    var stub = ReplayServiceGrpc.newBlockingStub(channel);
    SampleRequest request =
        SampleRequest.newBuilder().setBatchSize(32).setMode(mode).setStateEncoding(encoding).build();
    Lz4FrameCodec codec = new Lz4FrameCodec();
    long[] nanos = new long[SAMPLES];
    long bytes = 0;
    for (int i = -WARMUP; i < SAMPLES; i++) {
      long t = System.nanoTime();
      SampleResponse response = stub.sample(request);
      if (response.hasFrames()) {
        CompressedFrames frames = response.getFrames();
        byte[][] blocks = frames.getLz4FramesList().stream().map(ByteString::toByteArray).toArray(byte[][]::new);
        int frameBytes = (int) (frames.getFrameShape(0) * frames.getFrameShape(1));
        byte[] raw = FrameStacks.decompressAll(codec, blocks, frameBytes);
        FrameStacks.gather(raw, frameBytes, frames.getObservationFramesList().stream().mapToInt(Integer::intValue).toArray());
        FrameStacks.gather(raw, frameBytes, frames.getNextObservationFramesList().stream().mapToInt(Integer::intValue).toArray());
      }
      if (i >= 0) {
        nanos[i] = System.nanoTime() - t;
        bytes = response.getSerializedSize();
      }
    }
    long[] p = percentiles(nanos);
    return new long[] {p[0], p[1], bytes};
  }

  /** The insert path without gRPC: 4 threads, one stream each, batches of 32, into Redis. */
  private static double insertDirect(Replay replay, PongFrames frames) throws Exception {
    int perStream = frames.steps / STREAMS;
    java.util.concurrent.ExecutorService actors = java.util.concurrent.Executors.newFixedThreadPool(STREAMS);
    long started = System.nanoTime();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      int stream = s;
      done.add(
          CompletableFuture.runAsync(
              () -> {
                for (int from = 0; from < perStream; from += BATCH) {
                  List<dqn.replay.buffer.Step> steps = new ArrayList<>(BATCH);
                  for (int i = from; i < Math.min(perStream, from + BATCH); i++) {
                    TimeStep t = frames.step(stream * perStream + i, i, i == 0);
                    steps.add(
                        new dqn.replay.buffer.Step(
                            t.getSequence(), t.getEpisodeStart(), t.getAction(), t.getReward(),
                            t.getTerminated(), t.getTruncated(), t.getFrame().toByteArray()));
                  }
                  replay.insert("actor-" + stream, steps, () -> false);
                }
              },
              actors));
    }
    for (CompletableFuture<Void> d : done) {
      d.get(10, TimeUnit.MINUTES);
    }
    actors.shutdown();
    return perStream * STREAMS / ((System.nanoTime() - started) / 1e9);
  }

  private static Replay inProcessReplay(String uri, String prefix, PongFrames frames) {
    ReplayStore store =
        new RedisReplayStore(
            uri, prefix, new ReplayStore.Layout(frames.height, frames.width, 32),
            new RedisReplayStore.RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)),
            Duration.ofSeconds(5));
    ReplaySettings settings =
        new ReplaySettings(
            1_000_000, frames.height, frames.width, 4, 1, 0.99, true, 32, 1024, 1024,
            SamplingMode.UNIFORM, 0.6, 1e-6, 0.4, 1_000_000, 1);
    return new Replay(settings, new RateLimiter.Settings(1000, 0, 1), store, new Lz4FrameCodec());
  }

  /** Wall-clock p50, p99, then CPU-time p50, p99 of the calling thread. */
  private static long[] sampleInProcess(Replay replay, SamplingMode mode) {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] nanos = new long[SAMPLES];
    long[] cpu = new long[SAMPLES];
    for (int i = -WARMUP; i < SAMPLES; i++) {
      long c = threads.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      replay.sample(32, mode, null, 0);
      if (i >= 0) {
        nanos[i] = System.nanoTime() - t;
        cpu[i] = threads.getCurrentThreadCpuTime() - c;
      }
    }
    long[] wall = percentiles(nanos);
    long[] onCpu = percentiles(cpu);
    return new long[] {wall[0], wall[1], onCpu[0], onCpu[1]};
  }

  private static long[] percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new long[] {sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)]};
  }

  /** The file written by bench/pong_frames.py, memory-mapped. */
  private record PongFrames(MappedByteBuffer data, int steps, int height, int width) {
    static final int RECORD_HEADER = 6;

    static PongFrames open(Path file) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        data.order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        data.get(magic);
        if (!"DQNF".equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
          throw new IOException(file + " is not a frames file of bench/pong_frames.py");
        }
        return new PongFrames(data, data.getInt(4), data.getInt(8), data.getInt(12));
      }
    }

    /** Step {@code index} of the file as step {@code sequence} of a stream. */
    TimeStep step(int index, long sequence, boolean forceStart) {
      int frameBytes = height * width;
      int at = 16 + index * (RECORD_HEADER + frameBytes);
      ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int flags = view.get(at) & 0xff;
      int action = view.get(at + 1) & 0xff;
      float reward = view.getFloat(at + 2);
      boolean start = forceStart || (flags & 1) != 0;
      return TimeStep.newBuilder()
          .setSequence(sequence)
          .setEpisodeStart(start)
          .setAction(action)
          .setReward(reward)
          .setTerminated(!start && (flags & 2) != 0)
          .setTruncated(!start && (flags & 4) != 0)
          // The mapped file is read-only and outlives every request.
          .setFrame(UnsafeByteOperations.unsafeWrap(view.slice(at + RECORD_HEADER, frameBytes)))
          .build();
    }
  }
}
