package dqn.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import dqn.learner.testing.Services;
import dqn.testkit.GrpcProbe;
import dqn.testkit.RpcFuzzer;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.ListSnapshotsRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed requests on every method of the packaged learner-service (testkit's
 * RpcFuzzer), its watch stream among them. Every answer must be a proper status with a reason,
 * and the learner must still answer its status and list its snapshots afterwards.
 */
class LearnerFuzzIT {

  private static final long SEED = 20261204;

  @Test
  void everyMalformedRequestGetsAProperStatusAndTheLearnerStaysCorrect() throws Exception {
    Path data = Files.createTempDirectory("learner-fuzz-");
    try (ServiceProcess env = Services.env();
        ServiceProcess learner =
            ServiceProcess.builder(ServiceProcess.moduleJar())
                .property("dqn.learner.env-target", "127.0.0.1:" + env.port())
                // Nothing listens there: the learner waits for its replay and cannot publish.
                .property("dqn.learner.replay-target", "127.0.0.1:" + FreePorts.pick())
                .property("dqn.learner.inference-target", "127.0.0.1:" + FreePorts.pick())
                .property("dqn.learner.network.architecture", "nips")
                .property("dqn.learner.snapshots.dir", data.resolve("snapshots").toString())
                .property("dqn.learner.checkpoints.dir", data.resolve("checkpoints").toString())
                .start()
                .awaitServing(Services.START);
        GrpcProbe probe = new GrpcProbe("127.0.0.1", learner.port())) {
      RpcFuzzer.Report report =
          RpcFuzzer.of(probe.channel(), LearnerServiceGrpc.getServiceDescriptor(), SEED)
              .allowed(
                  EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION,
                      Status.Code.UNAVAILABLE))
              .example("ListSnapshots", ListSnapshotsRequest.newBuilder().setLimit(5).build())
              .run();
      System.out.print(report.summary());
      assertEquals(List.of(), report.improper(), report.summary());
      // A connection the server closed fails the calls in flight on it: rare, and reported.
      assertTrue(report.connectionClosed() * 50 < report.requests(), report.summary());
      assertTrue(report.requests() >= 10_000 * LearnerServiceGrpc.getServiceDescriptor().getMethods().size());

      assertTrue(learner.isAlive(), "the service survived");
      assertFalse(learner.output().contains("SIGSEGV"), "no native crash");
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, probe.health());
      LearnerServiceGrpc.LearnerServiceBlockingStub stub =
          LearnerServiceGrpc.newBlockingStub(probe.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertEquals("cpu", stub.getStatus(GetStatusRequest.getDefaultInstance()).getDevice());
      stub.listSnapshots(ListSnapshotsRequest.newBuilder().setLimit(3).build());
    }
  }
}
