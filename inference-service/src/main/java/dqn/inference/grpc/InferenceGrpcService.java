package dqn.inference.grpc;

import dqn.v1.InferenceServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The gRPC edge of the inference-service. Scaffolding: every RPC answers UNIMPLEMENTED (the generated
 * base class's behaviour) until the service's own issue implements it.
 */
@GrpcService
public class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {}
