package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.testkit.RpcFuzzer;
import dqn.v1.CloseSessionRequest;
import dqn.v1.CreateSessionRequest;
import dqn.v1.CreateSessionResponse;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.EpsilonMode;
import dqn.v1.GetActorStatusRequest;
import dqn.v1.GetFrameRequest;
import dqn.v1.PreprocessingOptions;
import dqn.v1.ResetRequest;
import dqn.v1.SessionAction;
import dqn.v1.StartActorsRequest;
import dqn.v1.StepRequest;
import dqn.v1.WatchActorRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 malformed requests on every method of the packaged env-service (testkit's RpcFuzzer:
 * mutated valid requests, extreme numbers, odd strings, raw and truncated bytes, streams cut off
 * or left half-open). Every answer must be a proper status with a reason, the JVM and ALE must
 * not crash, and the service must play a real session correctly afterwards.
 */
class EnvServiceFuzzIT {

  private static final long SEED = 20261204;
  /** Actors started by a mutant cannot reach their (absent) replay: stopping them waits for it. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void everyMalformedRequestGetsAProperStatusAndTheServerLives(@TempDir Path roms) throws Exception {
    // Sessions the mutants open are reaped quickly, so that the session limit frees again.
    try (EnvServer server = EnvServer.start(roms, Map.of("dqn.env.sessions.idle-timeout", "3s"))) {
      String decoy =
          server.blocking.createSession(CreateSessionRequest.newBuilder().setGame("pong").setSeed(1).build()).getSessionId();
      StepRequest step =
          StepRequest.newBuilder()
              .addActions(SessionAction.newBuilder().setSessionId(decoy).setAction(1).setAutoReset(true))
              .build();
      RpcFuzzer.Report report =
          RpcFuzzer.of(server.probe.channel(), EnvServiceGrpc.getServiceDescriptor(), SEED)
              .allowed(
                  EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
                      Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED))
              .deadline(DEADLINE)
              .example(
                  "CreateSession",
                  CreateSessionRequest.newBuilder()
                      .setGame("pong")
                      .setSeed(3)
                      .setOptions(PreprocessingOptions.newBuilder().setFrameSkip(4).setFrameStack(4).setNoopMax(30))
                      .build())
              .example("CloseSession", CloseSessionRequest.newBuilder().setSessionId(decoy).build())
              .example("Reset", ResetRequest.newBuilder().setSessionId(decoy).setSeed(5).build())
              .example("Step", step)
              .example("StepStream", step, step, step)
              .example("GetFrame", GetFrameRequest.newBuilder().setSessionId(decoy).build())
              .example(
                  "StartActors",
                  StartActorsRequest.newBuilder()
                      .setGame("pong")
                      .setNumActors(1)
                      .setSessionsPerActor(2)
                      .setSeed(7)
                      .setEpsilonMode(EpsilonMode.EPSILON_MODE_LINEAR)
                      .setEpsilonStart(1)
                      .setEpsilonEnd(0.1f)
                      .setEpsilonDecayFrames(1000)
                      .build())
              .example("GetActorStatus", GetActorStatusRequest.newBuilder().setEpisodesAfter(3).build())
              .example("WatchActor", WatchActorRequest.newBuilder().setActor(0).setSession(1).build())
              .run();
      System.out.print(report.summary());
      assertEquals(List.of(), report.improper(), report.summary());
      // A connection the server closed fails the calls in flight on it: rare, and reported.
      assertTrue(report.connectionClosed() * 50 < report.requests(), report.summary());
      assertTrue(report.requests() >= 10_000 * EnvServiceGrpc.getServiceDescriptor().getMethods().size());

      assertTrue(server.process.isAlive(), "the service survived");
      assertFalse(server.process.output().contains("SIGSEGV"), "no native crash");
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, server.probe.health());
      Thread.sleep(5_000); // the reaper closes what the mutants left open
      CreateSessionResponse real =
          server.blocking.createSession(CreateSessionRequest.newBuilder().setGame("breakout").setSeed(1).build());
      server.blocking.reset(ResetRequest.newBuilder().setSessionId(real.getSessionId()).build());
      assertEquals(
          real.getSessionId(),
          server.blocking
              .step(StepRequest.newBuilder().addActions(SessionAction.newBuilder().setSessionId(real.getSessionId()).setAction(1)).build())
              .getResults(0)
              .getSessionId());
    }
  }
}
