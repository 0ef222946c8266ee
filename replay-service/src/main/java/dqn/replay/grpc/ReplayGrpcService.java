package dqn.replay.grpc;

import dqn.v1.ReplayServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The gRPC edge of the replay-service. Scaffolding: every RPC answers UNIMPLEMENTED (the generated
 * base class's behaviour) until the service's own issue implements it.
 */
@GrpcService
public class ReplayGrpcService extends ReplayServiceGrpc.ReplayServiceImplBase {}
