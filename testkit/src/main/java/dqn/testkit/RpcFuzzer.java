package dqn.testkit;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Malformed requests for every method of a gRPC service, generated from valid examples and sent
 * as raw bytes over a real channel: random bytes, the example's bytes with bits flipped or cut
 * short, fields with a wrong wire type or unknown numbers, and, most of all, the example with
 * fields set to extreme numbers (NaN, infinities, the integer limits), odd strings and bytes,
 * unknown enum values and repeated fields emptied or filled. Streaming methods get several such
 * messages and then a normal end, a cancellation midway, or a client that stays half-open until
 * it gives up. Each answer's status must be in the allowed set, with a description; what the
 * fuzzer ends itself (cancellations) is counted apart. Deterministic for a seed.
 */
public final class RpcFuzzer {

  private static final Duration HALF_OPEN_WAIT = Duration.ofMillis(50);

  private final Channel channel;
  private final ServiceDescriptor service;
  private final long seed;
  private final Map<String, List<Message>> examples = new LinkedHashMap<>();
  private Set<Status.Code> allowed =
      EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION,
          Status.Code.OUT_OF_RANGE, Status.Code.RESOURCE_EXHAUSTED);
  private int requestsPerMethod = 10_000;
  private int inFlight = 16;
  private Duration deadline = Duration.ofSeconds(20);

  private RpcFuzzer(Channel channel, ServiceDescriptor service, long seed) {
    this.channel = channel;
    this.service = service;
    this.seed = seed;
  }

  /** Every method of {@code service}, at {@code channel}. */
  public static RpcFuzzer of(Channel channel, ServiceDescriptor service, long seed) {
    return new RpcFuzzer(channel, service, seed);
  }

  /**
   * Valid requests of one method (bare name, e.g. "Step") to mutate: one message for a unary
   * call, a whole valid stream for a streaming one. A method without examples starts from its
   * request type's empty message.
   */
  public RpcFuzzer example(String method, Message... requests) {
    if (service.getMethods().stream().noneMatch(m -> m.getBareMethodName().equals(method))) {
      throw new IllegalArgumentException(service.getName() + " has no method " + method);
    }
    examples.put(method, List.of(requests));
    return this;
  }

  /** The statuses a server may answer with (default OK and the request errors). */
  public RpcFuzzer allowed(Set<Status.Code> codes) {
    this.allowed = EnumSet.copyOf(codes);
    return this;
  }

  public RpcFuzzer requestsPerMethod(int count) {
    this.requestsPerMethod = count;
    return this;
  }

  /** Calls in flight at once. */
  public RpcFuzzer inFlight(int calls) {
    this.inFlight = calls;
    return this;
  }

  /** Each call's deadline. */
  public RpcFuzzer deadline(Duration deadline) {
    this.deadline = deadline;
    return this;
  }

  /** What the fuzzer sent and how each method answered. */
  public record Report(
      String service, long seed, int requests, Map<String, Map<String, Integer>> outcomes, List<String> improper) {

    /** Calls that failed because the server closed their connection, all methods together. */
    public int connectionClosed() {
      return outcomes.values().stream().mapToInt(counts -> counts.getOrDefault(CONNECTION_CLOSED, 0)).sum();
    }

    /** One line per method: its outcome counts (a status, "cancelled-by-fuzzer" or "connection-closed"). */
    public String summary() {
      StringBuilder text =
          new StringBuilder(String.format("fuzz %s: %,d requests, seed %d%n", service, requests, seed));
      outcomes.forEach((method, counts) -> text.append("  ").append(method).append(' ').append(counts).append('\n'));
      if (!improper.isEmpty()) {
        text.append("  improper answers (first ").append(improper.size()).append("):\n");
        improper.forEach(line -> text.append("    ").append(line).append('\n'));
      }
      return text.toString();
    }
  }

  /** Sends {@code requestsPerMethod} generated requests to each method of the service. */
  public Report run() throws InterruptedException {
    Map<String, Map<String, AtomicInteger>> outcomes = new TreeMap<>();
    List<String> improper = Collections.synchronizedList(new ArrayList<>());
    Semaphore slots = new Semaphore(inFlight);
    SplittableRandom random = new SplittableRandom(seed);
    int requests = 0;
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
      outcomes.put(method.getBareMethodName(), counts);
      List<Message> valid = examples.getOrDefault(method.getBareMethodName(), List.of(prototype(method)));
      MethodDescriptor<byte[], byte[]> raw = RawMethods.of(method.getFullMethodName(), method.getType());
      for (int i = 0; i < requestsPerMethod; i++) {
        RequestMutator mutator = new RequestMutator(random.split());
        List<byte[]> messages = new ArrayList<>();
        int count = method.getType().clientSendsOneMessage() ? 1 : 1 + mutator.random.nextInt(4);
        StringBuilder kinds = new StringBuilder();
        for (int k = 0; k < count; k++) {
          Message example = valid.get(Math.min(k, valid.size() - 1));
          RequestMutator.Mutated generated = mutator.request(example);
          messages.add(generated.bytes());
          kinds.append(k == 0 ? "" : "+").append(generated.kind());
        }
        End end = streamEnd(method.getType(), mutator.random);
        slots.acquire();
        requests++;
        String label = method.getBareMethodName() + " [" + kinds + ", " + end + "]";
        call(raw, messages, end)
            .whenComplete(
                (status, error) -> {
                  slots.release();
                  CallOutcome outcome = CallOutcome.of(status, error, end != End.COMPLETE, allowed);
                  if (outcome.problem() != null) {
                    record(improper, label + ": " + outcome.problem());
                  }
                  counts.computeIfAbsent(outcome.name(), k -> new AtomicInteger()).incrementAndGet();
                });
      }
    }
    slots.acquire(inFlight);
    slots.release(inFlight);
    Map<String, Map<String, Integer>> counted = new LinkedHashMap<>();
    outcomes.forEach(
        (method, counts) -> {
          Map<String, Integer> plain = new TreeMap<>();
          counts.forEach((k, v) -> plain.put(k, v.get()));
          counted.put(method, plain);
        });
    return new Report(service.getName(), seed, requests, counted, List.copyOf(improper));
  }

  /** The outcome of a call whose connection the server closed. */
  public static final String CONNECTION_CLOSED = CallOutcome.CONNECTION_CLOSED;

  private static void record(List<String> improper, String line) {
    if (improper.size() < 20) {
      improper.add(line);
    }
  }

  /** How a call ends. */
  private enum End {
    /** The client sends everything, half-closes and waits for the status. */
    COMPLETE,
    /** The client cancels right after sending (an upload or a stream cut off midway). */
    CUT,
    /** The client sends, never half-closes, and cancels after a short wait. */
    HALF_OPEN;

    @Override
    public String toString() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  private static End streamEnd(MethodDescriptor.MethodType type, SplittableRandom random) {
    if (type == MethodDescriptor.MethodType.UNARY) {
      return End.COMPLETE;
    }
    if (type == MethodDescriptor.MethodType.SERVER_STREAMING) {
      // A server stream may last as long as the client wants (a watch): end it after a while.
      return End.HALF_OPEN;
    }
    int choice = random.nextInt(10);
    return choice < 6 ? End.COMPLETE : choice < 8 ? End.CUT : End.HALF_OPEN;
  }

  private CompletableFuture<Status> call(MethodDescriptor<byte[], byte[]> method, List<byte[]> messages, End end) {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    try {
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              closed.complete(status);
            }
          },
          new Metadata());
      call.request(Integer.MAX_VALUE);
      for (byte[] message : messages) {
        call.sendMessage(message);
      }
      switch (end) {
        case COMPLETE -> call.halfClose();
        case CUT -> call.cancel("the fuzzer cuts the stream off midway", null);
        case HALF_OPEN -> {
          if (method.getType().clientSendsOneMessage()) {
            call.halfClose();
          }
          CompletableFuture.delayedExecutor(HALF_OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
              .execute(() -> call.cancel("the fuzzer gives up on a half-open stream", null));
        }
      }
    } catch (RuntimeException e) {
      call.cancel("the fuzzer could not send", e);
      closed.completeExceptionally(e);
    }
    return closed;
  }

  @SuppressWarnings("unchecked")
  private static Message prototype(MethodDescriptor<?, ?> method) {
    if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> marshaller
        && marshaller.getMessagePrototype() instanceof Message message) {
      return message;
    }
    throw new IllegalArgumentException(method.getFullMethodName() + " has no protobuf request type: give an example");
  }
}
