package dqn.env.grpc;

import dqn.v1.EnvServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The gRPC edge of the env-service. Scaffolding: every RPC answers UNIMPLEMENTED (the generated
 * base class's behaviour) until the service's own issue implements it.
 */
@GrpcService
public class EnvGrpcService extends EnvServiceGrpc.EnvServiceImplBase {}
