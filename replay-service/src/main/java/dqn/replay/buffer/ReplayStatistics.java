package dqn.replay.buffer;

import dqn.replay.ratelimit.RateLimiter;

/** Size, memory and rates of the replay, as GetStats reports them. */
public record ReplayStatistics(
    long size,
    long capacity,
    long bytesUsed,
    double insertsPerSecond,
    double samplesPerSecond,
    double compressionRatio,
    long totalInserted,
    long totalSampled,
    String store,
    int streams,
    int nStep,
    double gamma,
    RateLimiter.Settings rateLimiter,
    int frameStack,
    int frameHeight,
    int frameWidth) {}
