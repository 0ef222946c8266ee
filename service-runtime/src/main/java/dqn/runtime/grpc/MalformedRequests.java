package dqn.runtime.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Turns request bytes that are no protobuf message into a marker request that the service
 * answers with INVALID_ARGUMENT ({@link #requireWellFormed}). Without it, the gRPC server cancels
 * such a call on its own: unary calls then end with INTERNAL "Half-closed without a request" and
 * a request stream hangs until the client's deadline (seen with Quarkus' Vert.x transport). A
 * service applies it in its {@code bindService}, so it implements the generated
 * {@code AsyncService} rather than extending {@code ImplBase} (whose {@code bindService} is final).
 */
public final class MalformedRequests {

  private static final Set<Object> MARKERS = Collections.synchronizedSet(
      Collections.newSetFromMap(new IdentityHashMap<>()));

  private MalformedRequests() {}

  /** Whether the request stands for bytes that could not be parsed. */
  public static boolean isMarker(Object request) {
    return MARKERS.contains(request);
  }

  /**
   * @throws StatusRuntimeException INVALID_ARGUMENT when the request stands for bytes that could
   *     not be parsed
   */
  public static void requireWellFormed(Object request) {
    if (isMarker(request)) {
      throw Status.INVALID_ARGUMENT
          .withDescription("the request bytes are not a valid protobuf message of the method's request type")
          .asRuntimeException();
    }
  }

  /** The service with every method's request parsing made tolerant. */
  public static ServerServiceDefinition tolerant(ServerServiceDefinition service) {
    ServiceDescriptor strict = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(strict.getName()).setSchemaDescriptor(strict.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> lenient = tolerant(method);
      methods.add(lenient);
      descriptor.addMethod(lenient.getMethodDescriptor());
    }
    // The definition's methods must be the very descriptors of its service descriptor.
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> tolerant(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> strict = descriptor.getRequestMarshaller();
    if (!(strict instanceof MethodDescriptor.PrototypeMarshaller<Q> prototyped)) {
      return method;
    }
    Q marker = newInstanceLike(prototyped.getMessagePrototype());
    MARKERS.add(marker);
    MethodDescriptor.Marshaller<Q> lenient =
        new MethodDescriptor.PrototypeMarshaller<>() {
          @Override
          public Q getMessagePrototype() {
            return prototyped.getMessagePrototype();
          }

          @Override
          public Class<Q> getMessageClass() {
            return prototyped.getMessageClass();
          }

          @Override
          public InputStream stream(Q value) {
            return strict.stream(value);
          }

          @Override
          public Q parse(InputStream stream) {
            try {
              return strict.parse(stream);
            } catch (StatusRuntimeException malformed) {
              return marker;
            }
          }
        };
    return ServerMethodDefinition.create(
        descriptor.toBuilder(lenient, descriptor.getResponseMarshaller()).build(),
        method.getServerCallHandler());
  }

  @SuppressWarnings("unchecked")
  private static <Q> Q newInstanceLike(Q prototype) {
    // A fresh instance, distinct from the default instance a well-formed empty request parses to.
    return (Q) ((com.google.protobuf.Message) prototype).toBuilder().build();
  }
}
