package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.testkit.RawMethods;
import dqn.v1.CloseSessionRequest;
import dqn.v1.CreateSessionRequest;
import dqn.v1.CreateSessionResponse;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.GetFrameRequest;
import dqn.v1.PreprocessingOptions;
import dqn.v1.ResetRequest;
import dqn.v1.SessionAction;
import dqn.v1.StepRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of malformed requests against the packaged service: raw random bytes on every
 * method, random field values, unknown and empty ids, actions outside the set, duplicated and
 * oversized batches. Every one must be answered with a proper status, and the server must serve
 * normally afterwards.
 */
class EnvServiceFuzzIT {

  private static final List<String> METHODS =
      List.of("ListGames", "CreateSession", "CloseSession", "Reset", "Step", "GetFrame", "StepStream");

  private final SplittableRandom random = new SplittableRandom(20261123);
  private final Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
  private EnvServer server;

  @Test
  void everyMalformedRequestGetsAProperStatusAndTheServerLives(@TempDir Path roms) throws Exception {
    server = EnvServer.start(roms, Map.of());
    try {
      CreateSessionResponse real =
          server.blocking.createSession(
              CreateSessionRequest.newBuilder().setGame("breakout").setSeed(1).build());
      String realId = real.getSessionId();

      for (int i = 0; i < 1750; i++) {
        rawBytes(METHODS.get(i % METHODS.size()), randomBytes(random.nextInt(300)));
      }
      for (int i = 0; i < 300; i++) {
        call(() -> server.blocking.createSession(CreateSessionRequest.newBuilder().setGame(randomText()).build()));
      }
      for (int i = 0; i < 40; i++) {
        call(() -> {
          CreateSessionResponse created =
              server.blocking.createSession(
                  CreateSessionRequest.newBuilder().setGame("pong").setOptions(randomOptions()).build());
          server.blocking.closeSession(
              CloseSessionRequest.newBuilder().setSessionId(created.getSessionId()).build());
          return created;
        });
      }
      for (int i = 0; i < 600; i++) {
        String id = random.nextInt(4) == 0 ? realId : randomText();
        int action = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(-3, 8);
        call(() -> server.blocking.step(StepRequest.newBuilder()
            .addActions(SessionAction.newBuilder().setSessionId(id).setAction(action)
                .setAutoReset(random.nextBoolean())).build()));
      }
      for (int i = 0; i < 20; i++) {
        StepRequest.Builder huge = StepRequest.newBuilder();
        for (int k = 0; k < 2_000; k++) {
          huge.addActions(SessionAction.newBuilder().setSessionId(k % 2 == 0 ? realId : randomText()));
        }
        call(() -> server.blocking.step(huge.build()));
        call(() -> server.blocking.step(StepRequest.newBuilder()
            .addActions(SessionAction.newBuilder().setSessionId(realId))
            .addActions(SessionAction.newBuilder().setSessionId(realId)).build()));
      }
      for (int i = 0; i < 300; i++) {
        String id = randomText();
        switch (i % 3) {
          case 0 -> call(() -> server.blocking.reset(ResetRequest.newBuilder().setSessionId(id).setSeed(random.nextLong()).build()));
          case 1 -> call(() -> server.blocking.getFrame(GetFrameRequest.newBuilder().setSessionId(id).build()));
          default -> call(() -> server.blocking.closeSession(CloseSessionRequest.newBuilder().setSessionId(id).build()));
        }
      }

      int total = codes.values().stream().mapToInt(Integer::intValue).sum();
      System.out.println("fuzz: " + total + " malformed requests answered: " + codes);
      assertTrue(total >= 3000, "requests " + total);
      assertTrue(server.process.isAlive());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, server.probe.health());
      // The real session still plays.
      server.blocking.reset(ResetRequest.newBuilder().setSessionId(realId).build());
      assertEquals(realId, server.blocking.step(StepRequest.newBuilder()
          .addActions(SessionAction.newBuilder().setSessionId(realId).setAction(1)).build())
          .getResults(0).getSessionId());
    } finally {
      server.close();
    }
  }

  /** One call: its status must be a proper answer, never a transport failure or a crash. */
  private void call(Supplier<?> call) {
    Status status;
    try {
      call.get();
      status = Status.OK;
    } catch (StatusRuntimeException e) {
      status = e.getStatus();
    }
    record(status);
  }

  private void record(Status status) {
    codes.merge(status.getCode(), 1, Integer::sum);
    switch (status.getCode()) {
      case OK, INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> {
        if (status.getCode() != Status.Code.OK) {
          assertTrue(status.getDescription() != null && !status.getDescription().isBlank(), status.toString());
        }
      }
      default -> throw new AssertionError("improper answer " + status);
    }
  }

  private void rawBytes(String method, byte[] body) throws Exception {
    boolean stream = method.equals("StepStream");
    String fullName = MethodDescriptor.generateFullMethodName(EnvServiceGrpc.SERVICE_NAME, method);
    MethodDescriptor<byte[], byte[]> descriptor =
        stream ? RawMethods.bidiStreaming(fullName) : RawMethods.unary(fullName);
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    if (!stream) {
      call(() -> ClientCalls.blockingUnaryCall(server.probe.channel(), descriptor, options, body));
      return;
    }
    ClientCall<byte[], byte[]> clientCall = server.probe.channel().newCall(descriptor, options);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    clientCall.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    clientCall.request(Integer.MAX_VALUE);
    clientCall.sendMessage(body);
    clientCall.halfClose();
    record(closed.get(30, TimeUnit.SECONDS));
  }

  private PreprocessingOptions randomOptions() {
    PreprocessingOptions.Builder options = PreprocessingOptions.newBuilder();
    if (random.nextBoolean()) options.setRepeatActionProbability(random.nextFloat() * 3 - 1);
    if (random.nextBoolean()) options.setFullActionSpace(random.nextBoolean());
    if (random.nextBoolean()) options.setFrameSkip(wild());
    if (random.nextBoolean()) options.setNoopMax(wild());
    if (random.nextBoolean()) options.setFireOnReset(random.nextBoolean());
    if (random.nextBoolean()) options.setTerminalOnLifeLoss(random.nextBoolean());
    if (random.nextBoolean()) options.setMaxEpisodeFrames(wild());
    if (random.nextBoolean()) options.setFrameStack(wild());
    if (random.nextBoolean()) options.setScreenHeight(wild());
    if (random.nextBoolean()) options.setScreenWidth(wild());
    return options.build();
  }

  /** Mostly small values, some of them valid, and now and then extremes. */
  private int wild() {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt();
      case 1 -> -random.nextInt(5);
      default -> random.nextInt(1, 90);
    };
  }

  private String randomText() {
    if (random.nextInt(10) == 0) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(1, 60);
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(random.nextInt(3) == 0 ? random.nextInt(0x20, 0x2FFF) : random.nextInt('a', 'z' + 1));
    }
    return text.toString();
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
