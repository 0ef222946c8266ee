package dqn.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.ServiceProcess;
import dqn.replay.testing.Frames.StreamBuilder;
import dqn.replay.testing.InsertStream;
import dqn.testkit.GrpcProbe;
import dqn.testkit.RpcFuzzer;
import dqn.v1.GetStatsRequest;
import dqn.v1.RateLimiterSettings;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.SamplingMode;
import dqn.v1.StateEncoding;
import dqn.v1.UpdatePrioritiesRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed requests on every method of the packaged replay-service (testkit's
 * RpcFuzzer), the Insert stream cut off and left half-open among them. Every answer must be a
 * proper status with a reason, and afterwards the replay must take and sample real steps.
 */
class ReplayFuzzIT {

  private static final long SEED = 20261204;
  private static final int FRAME = 84 * 84;

  @Test
  void everyMalformedRequestGetsAProperStatusAndTheReplayStaysCorrect() throws Exception {
    try (ServiceProcess service =
            ServiceProcess.builder(ServiceProcess.moduleJar())
                .property("dqn.replay.capacity", "5000")
                .property("dqn.replay.n-step", "3")
                .property("dqn.replay.rate-limiter.min-size-to-sample", "5")
                .property("dqn.replay.rate-limiter.samples-per-insert", "0")
                .start()
                .awaitServing(Duration.ofSeconds(60));
        GrpcProbe probe = new GrpcProbe("127.0.0.1", service.port())) {
      StreamBuilder steps = new StreamBuilder(FRAME, 3, 0);
      RpcFuzzer.Report report =
          RpcFuzzer.of(probe.channel(), ReplayServiceGrpc.getServiceDescriptor(), SEED)
              .allowed(
                  EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
                      Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE, Status.Code.RESOURCE_EXHAUSTED))
              .example(
                  "Insert",
                  InsertStream.request("fuzz", steps.start().step(1, 1).step(2, 0).take()),
                  InsertStream.request("fuzz", steps.step(0, -1).step(3, 0).take()),
                  InsertStream.request("fuzz", steps.step(1, 0).take()))
              .example(
                  "Sample",
                  SampleRequest.newBuilder()
                      .setBatchSize(4)
                      .setMode(SamplingMode.SAMPLING_MODE_UNIFORM)
                      .setTimeoutMs(50)
                      .setStateEncoding(StateEncoding.STATE_ENCODING_LZ4_FRAMES)
                      .build())
              .example(
                  "UpdatePriorities", UpdatePrioritiesRequest.newBuilder().addIds(1).addIds(2).addPriorities(0.5f).addPriorities(2).build())
              .example(
                  "SetRateLimiter",
                  RateLimiterSettings.newBuilder().setMinSizeToSample(5).setSamplesPerInsert(0).setErrorBuffer(100).build())
              .run();
      System.out.print(report.summary());
      assertEquals(List.of(), report.improper(), report.summary());
      // A connection the server closed fails the calls in flight on it: rare, and reported.
      assertTrue(report.connectionClosed() * 50 < report.requests(), report.summary());
      assertTrue(report.requests() >= 10_000 * ReplayServiceGrpc.getServiceDescriptor().getMethods().size());

      assertTrue(service.isAlive(), "the service survived");
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, probe.health());
      ReplayServiceGrpc.ReplayServiceBlockingStub replay =
          ReplayServiceGrpc.newBlockingStub(probe.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
      replay.setRateLimiter(RateLimiterSettings.newBuilder().setMinSizeToSample(1).setSamplesPerInsert(0).build());
      StreamBuilder real = new StreamBuilder(FRAME, 11, 0);
      try (InsertStream insert = new InsertStream(ReplayServiceGrpc.newStub(probe.channel()))) {
        assertEquals(9, insert.insert("after-fuzz", real.start().step(1, 1).step(2, 0).step(3, 1).step(1, 0)
            .step(2, 0).step(3, 0).step(1, 0).step(2, 0).step(3, 0).take()).getAckedSequence());
      }
      long size = replay.getStats(GetStatsRequest.getDefaultInstance()).getSize();
      assertTrue(size > 0, "the replay holds transitions");
      SampleResponse sample =
          replay.sample(SampleRequest.newBuilder().setBatchSize(8).setMode(SamplingMode.SAMPLING_MODE_UNIFORM).build());
      assertEquals(8, sample.getIdsCount());
      assertEquals(8, sample.getActionsCount());
    }
  }
}
