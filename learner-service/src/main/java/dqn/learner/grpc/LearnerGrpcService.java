package dqn.learner.grpc;

import dqn.v1.LearnerServiceGrpc;
import io.quarkus.grpc.GrpcService;

/**
 * The gRPC edge of the learner-service. Scaffolding: every RPC answers UNIMPLEMENTED (the generated
 * base class's behaviour) until the service's own issue implements it.
 */
@GrpcService
public class LearnerGrpcService extends LearnerServiceGrpc.LearnerServiceImplBase {}
