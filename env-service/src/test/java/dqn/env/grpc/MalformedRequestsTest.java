package dqn.env.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.runtime.grpc.MalformedRequests;
import dqn.v1.EnvServiceGrpc;
import dqn.v1.SessionAction;
import dqn.v1.StepRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class MalformedRequestsTest {

  @Test
  void unparsableBytesBecomeTheMarkerAndGoodBytesParse() {
    ServerServiceDefinition service =
        MalformedRequests.tolerant(EnvServiceGrpc.bindService(new EnvServiceGrpc.AsyncService() {}));
    assertEquals(11, service.getMethods().size());
    @SuppressWarnings("unchecked")
    MethodDescriptor<StepRequest, ?> step =
        (MethodDescriptor<StepRequest, ?>)
            service.getMethod(EnvServiceGrpc.getStepMethod().getFullMethodName()).getMethodDescriptor();

    StepRequest good =
        StepRequest.newBuilder().addActions(SessionAction.newBuilder().setSessionId("s").setAction(2)).build();
    StepRequest parsed = step.parseRequest(new ByteArrayInputStream(good.toByteArray()));
    assertEquals(good, parsed);
    assertFalse(MalformedRequests.isMarker(parsed));
    assertFalse(MalformedRequests.isMarker(step.parseRequest(new ByteArrayInputStream(new byte[0]))));

    StepRequest garbage = step.parseRequest(new ByteArrayInputStream(new byte[] {(byte) 0xff, 0x01, 0x7f}));
    assertTrue(MalformedRequests.isMarker(garbage));
  }
}
