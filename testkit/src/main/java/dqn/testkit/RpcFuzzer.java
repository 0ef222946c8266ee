package dqn.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Largest request generated (below gRPC's default 4 MiB limit); beyond it a request is generated again. */
  private static final int MAX_REQUEST_BYTES = (4 << 20) - (64 << 10);
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
        Generator generator = new Generator(random.split());
        List<byte[]> messages = new ArrayList<>();
        int count = method.getType().clientSendsOneMessage() ? 1 : 1 + generator.random.nextInt(4);
        StringBuilder kinds = new StringBuilder();
        for (int k = 0; k < count; k++) {
          Message example = valid.get(Math.min(k, valid.size() - 1));
          Generated generated = generator.request(example);
          messages.add(generated.bytes());
          kinds.append(k == 0 ? "" : "+").append(generated.kind());
        }
        End end = streamEnd(method.getType(), generator.random);
        slots.acquire();
        requests++;
        String label = method.getBareMethodName() + " [" + kinds + ", " + end + "]";
        call(raw, messages, end)
            .whenComplete(
                (status, error) -> {
                  slots.release();
                  String outcome;
                  if (error != null) {
                    outcome = "client-error";
                    record(improper, label + ": " + error);
                  } else if (status.getCode() == Status.Code.CANCELLED && end != End.COMPLETE) {
                    outcome = "cancelled-by-fuzzer";
                  } else if (connectionClosed(status)) {
                    // The server ended the whole connection (HTTP/2 GOAWAY, or a reset socket): every
                    // call in flight on it fails on the client's side, and the channel reconnects.
                    // Counted apart and reported.
                    outcome = CONNECTION_CLOSED;
                  } else {
                    outcome = status.getCode().name();
                    if (!allowed.contains(status.getCode())) {
                      record(improper, label + ": " + status);
                    } else if (status.getCode() != Status.Code.OK
                        && (status.getDescription() == null || status.getDescription().isBlank())) {
                      record(improper, label + ": " + status.getCode() + " without a description");
                    }
                  }
                  counts.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
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
  public static final String CONNECTION_CLOSED = "connection-closed";

  private static boolean connectionClosed(Status status) {
    String description = status.getDescription() == null ? "" : status.getDescription();
    // GOAWAY comes with any client-side code (RESOURCE_EXHAUSTED for ENHANCE_YOUR_CALM, the HTTP/2
    // server's guard against streams reset in bulk, which the fuzzer's many cut-off streams trip).
    // A call written just as the connection closes fails on the client with UNKNOWN "channel
    // closed" and the ClosedChannelException as its local cause; a server's UNKNOWN has no cause.
    return description.contains("GOAWAY")
        || ((status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL)
            && (description.contains("Network closed") || status.getCause() instanceof IOException))
        || (status.getCode() == Status.Code.UNKNOWN && status.getCause() instanceof IOException);
  }

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

  private record Generated(String kind, byte[] bytes) {}

  /** One request's mutations, from its own random stream. */
  private static final class Generator {
    final SplittableRandom random;

    Generator(SplittableRandom random) {
      this.random = random;
    }

    Generated request(Message example) {
      for (int attempt = 0; ; attempt++) {
        Generated generated = once(example);
        if (generated.bytes().length <= MAX_REQUEST_BYTES || attempt >= 10) {
          return generated.bytes().length <= MAX_REQUEST_BYTES
              ? generated
              : new Generated("random-bytes", bytes(random.nextInt(256)));
        }
      }
    }

    private Generated once(Message example) {
      int choice = random.nextInt(100);
      byte[] valid = example.toByteArray();
      if (choice < 8) {
        return new Generated("random-bytes", bytes(random.nextInt(512)));
      }
      if (choice < 20) {
        return new Generated("bit-flips", flipBits(valid));
      }
      if (choice < 28) {
        return new Generated("truncated", valid.length == 0 ? bytes(1) : Arrays.copyOf(valid, random.nextInt(valid.length)));
      }
      if (choice < 36) {
        return new Generated("wrong-wire-type", withWrongWireType(example, valid));
      }
      if (choice < 40) {
        return new Generated("unknown-fields", withUnknownField(valid));
      }
      return new Generated("mutated-fields", mutate(example, 0).toByteArray());
    }

    private byte[] flipBits(byte[] valid) {
      if (valid.length == 0) {
        return bytes(1 + random.nextInt(8));
      }
      byte[] flipped = valid.clone();
      int flips = 1 + random.nextInt(Math.min(8, flipped.length));
      for (int i = 0; i < flips; i++) {
        int at = random.nextInt(flipped.length);
        flipped[at] ^= (byte) (1 << random.nextInt(8));
      }
      return flipped;
    }

    /** The example followed by one of its own field numbers encoded with another wire type. */
    private byte[] withWrongWireType(Message example, byte[] valid) {
      List<FieldDescriptor> fields = example.getDescriptorForType().getFields();
      int number = fields.isEmpty() ? 1 : fields.get(random.nextInt(fields.size())).getNumber();
      int[] wireTypes = {
        WireFormat.WIRETYPE_VARINT, WireFormat.WIRETYPE_FIXED64, WireFormat.WIRETYPE_LENGTH_DELIMITED,
        WireFormat.WIRETYPE_START_GROUP, WireFormat.WIRETYPE_FIXED32, 6, 7
      };
      return append(valid, number, wireTypes[random.nextInt(wireTypes.length)]);
    }

    private byte[] withUnknownField(byte[] valid) {
      int number = 1000 + random.nextInt(1 << 20);
      return append(valid, number, random.nextBoolean() ? WireFormat.WIRETYPE_VARINT : WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }

    private byte[] append(byte[] valid, int number, int wireType) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(valid);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt32NoTag((number << 3) | wireType);
        switch (wireType) {
          case WireFormat.WIRETYPE_VARINT -> out.writeUInt64NoTag(random.nextLong());
          case WireFormat.WIRETYPE_FIXED64 -> out.writeFixed64NoTag(random.nextLong());
          case WireFormat.WIRETYPE_FIXED32 -> out.writeFixed32NoTag(random.nextInt());
          case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            // Now and then a length that runs past the end of the message.
            byte[] payload = bytes(random.nextInt(64));
            out.writeUInt32NoTag(random.nextInt(8) == 0 ? payload.length + 1 + random.nextInt(1 << 20) : payload.length);
            out.writeRawBytes(payload);
          }
          default -> out.writeRawBytes(bytes(random.nextInt(16)));
        }
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Message mutate(Message message, int depth) {
      Message.Builder builder = message.toBuilder();
      List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
      if (fields.isEmpty()) {
        return builder.build();
      }
      int changes = 1 + random.nextInt(3);
      for (int i = 0; i < changes; i++) {
        mutateField(builder, fields.get(random.nextInt(fields.size())), depth);
      }
      return builder.build();
    }

    private void mutateField(Message.Builder builder, FieldDescriptor field, int depth) {
      if (field.isRepeated()) {
        int count = builder.getRepeatedFieldCount(field);
        switch (random.nextInt(5)) {
          case 0 -> builder.clearField(field);
          case 1 -> {
            int added = 1 + random.nextInt(3);
            for (int i = 0; i < added; i++) {
              builder.addRepeatedField(field, value(builder, field, null, depth));
            }
          }
          case 2 -> {
            // Many copies: batches far larger than any valid one.
            Object value = count > 0 ? builder.getRepeatedField(field, random.nextInt(count)) : value(builder, field, null, depth);
            int copies = Math.min(100 + random.nextInt(2_000), MAX_REQUEST_BYTES / 2 / (2 + approximateBytes(value)));
            for (int i = 0; i < copies; i++) {
              builder.addRepeatedField(field, value);
            }
          }
          default -> {
            if (count > 0) {
              int at = random.nextInt(count);
              builder.setRepeatedField(field, at, value(builder, field, builder.getRepeatedField(field, at), depth));
            } else {
              builder.addRepeatedField(field, value(builder, field, null, depth));
            }
          }
        }
        return;
      }
      if (random.nextInt(8) == 0) {
        builder.clearField(field);
        return;
      }
      Object current =
          field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || builder.hasField(field) ? builder.getField(field) : null;
      builder.setField(field, value(builder, field, current, depth));
    }

    private static int approximateBytes(Object value) {
      if (value instanceof ByteString b) {
        return b.size();
      }
      if (value instanceof String s) {
        return s.length() * 3;
      }
      return value instanceof Message m ? m.getSerializedSize() : 10;
    }

    private Object value(Message.Builder owner, FieldDescriptor field, Object current, int depth) {
      return switch (field.getJavaType()) {
        case INT -> pick(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt(), random.nextInt(-10, 100));
        case LONG -> pick(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, random.nextLong(), (long) random.nextInt(-10, 100));
        case FLOAT ->
            pick(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MAX_VALUE, Float.MIN_VALUE, -1e30f,
                (float) (random.nextDouble() * 2 - 0.5));
        case DOUBLE ->
            pick(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0d, Double.MAX_VALUE, Double.MIN_VALUE,
                -1e300, random.nextDouble() * 2 - 0.5);
        case BOOLEAN -> random.nextBoolean();
        case STRING -> text(current instanceof String s ? s : "");
        case BYTE_STRING -> bytes(current instanceof ByteString b ? b : ByteString.EMPTY);
        case ENUM -> {
          var values = field.getEnumType().getValues();
          yield random.nextInt(3) == 0 && !field.getEnumType().isClosed()
              ? field.getEnumType().findValueByNumberCreatingIfUnknown(pick(-1, 99, random.nextInt()))
              : values.get(random.nextInt(values.size()));
        }
        case MESSAGE -> {
          Message.Builder nested = owner.newBuilderForField(field);
          if (current instanceof Message m) {
            nested.mergeFrom(m);
          }
          yield depth < 3 && random.nextInt(4) != 0 ? mutate(nested.build(), depth + 1) : nested.build();
        }
      };
    }

    private String text(String current) {
      return switch (random.nextInt(9)) {
        case 0 -> "";
        case 1 -> "a".repeat(10_000 + random.nextInt(50_000));
        case 2 -> "../../../../etc/passwd";
        case 3 -> "\u0000\n\t%s%n${x}";
        case 4 -> current + "x";
        case 5 -> current.isEmpty() ? "x" : current.substring(0, random.nextInt(current.length()));
        case 6 -> current.toUpperCase() + " ";
        default -> {
          StringBuilder text = new StringBuilder();
          int length = random.nextInt(1, 80);
          for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextInt(3) == 0 ? random.nextInt(0x1, 0xD7FF) : random.nextInt('a', 'z' + 1));
          }
          yield text.toString();
        }
      };
    }

    private ByteString bytes(ByteString current) {
      int size = current.size();
      return switch (random.nextInt(6)) {
        case 0 -> ByteString.EMPTY;
        case 1 -> ByteString.copyFrom(bytes(Math.max(0, size + (random.nextBoolean() ? 1 : -1))));
        case 2 -> ByteString.copyFrom(bytes(1 + random.nextInt(16)));
        case 3 -> ByteString.copyFrom(bytes(100_000 + random.nextInt(1 << 20)));
        case 4 -> size == 0 ? ByteString.copyFrom(bytes(7)) : ByteString.copyFrom(flipBits(current.toByteArray()));
        default -> current.substring(0, size == 0 ? 0 : random.nextInt(size));
      };
    }

    private byte[] bytes(int length) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      return bytes;
    }

    @SafeVarargs
    private <T> T pick(T... values) {
      return values[random.nextInt(values.length)];
    }
  }
}
