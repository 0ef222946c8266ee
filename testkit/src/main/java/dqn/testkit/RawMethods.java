package dqn.testkit;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Method descriptors whose messages are raw bytes: how tests send a server what is not a valid
 * protobuf message, or call a method the server does not have.
 */
public final class RawMethods {

  private RawMethods() {}

  /** A unary method with raw-bytes request and response. */
  public static MethodDescriptor<byte[], byte[]> unary(String fullMethodName) {
    return build(fullMethodName, MethodDescriptor.MethodType.UNARY);
  }

  /** A bidirectional-streaming method with raw-bytes requests and responses. */
  public static MethodDescriptor<byte[], byte[]> bidiStreaming(String fullMethodName) {
    return build(fullMethodName, MethodDescriptor.MethodType.BIDI_STREAMING);
  }

  /** A method of any type with raw-bytes requests and responses. */
  public static MethodDescriptor<byte[], byte[]> of(String fullMethodName, MethodDescriptor.MethodType type) {
    return build(fullMethodName, type);
  }

  private static MethodDescriptor<byte[], byte[]> build(
      String fullMethodName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(RawBytes.INSTANCE)
        .setResponseMarshaller(RawBytes.INSTANCE)
        .build();
  }

  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
