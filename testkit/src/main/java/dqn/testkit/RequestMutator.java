package dqn.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One request's mutations of a valid example, from its own random stream: random bytes, the
 * example's bytes with bits flipped or cut short, fields with a wrong wire type or unknown numbers,
 * and, most of all, the example with fields set to extreme numbers, odd strings and bytes, unknown
 * enum values and repeated fields emptied or filled.
 */
final class RequestMutator {

  /** Largest request generated (below gRPC's default 4 MiB limit); beyond it a request is generated again. */
  static final int MAX_REQUEST_BYTES = (4 << 20) - (64 << 10);

  /** A generated request and the kind of mutation that made it. */
  record Mutated(String kind, byte[] bytes) {}

  final SplittableRandom random;

  RequestMutator(SplittableRandom random) {
    this.random = random;
  }

  Mutated request(Message example) {
    for (int attempt = 0; ; attempt++) {
      Mutated generated = once(example);
      if (generated.bytes().length <= MAX_REQUEST_BYTES || attempt >= 10) {
        return generated.bytes().length <= MAX_REQUEST_BYTES
            ? generated
            : new Mutated("random-bytes", bytes(random.nextInt(256)));
      }
    }
  }

  private Mutated once(Message example) {
    int choice = random.nextInt(100);
    byte[] valid = example.toByteArray();
    if (choice < 8) {
      return new Mutated("random-bytes", bytes(random.nextInt(512)));
    }
    if (choice < 20) {
      return new Mutated("bit-flips", flipBits(valid));
    }
    if (choice < 28) {
      return new Mutated("truncated", valid.length == 0 ? bytes(1) : Arrays.copyOf(valid, random.nextInt(valid.length)));
    }
    if (choice < 36) {
      return new Mutated("wrong-wire-type", withWrongWireType(example, valid));
    }
    if (choice < 40) {
      return new Mutated("unknown-fields", withUnknownField(valid));
    }
    return new Mutated("mutated-fields", mutate(example, 0).toByteArray());
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
