package dqn.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.client.Channels;
import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every service promises when started with {@code java -jar}: it serves the standard gRPC
 * health service, lists its API through reflection, answers unknown methods with UNIMPLEMENTED,
 * serves Prometheus metrics on the same port, and refuses a busy port with a message naming the port and the setting that changes it. Each
 * service's integration test extends this with its service name.
 */
public abstract class ServiceStartupContract {

  protected static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final String serviceName;

  protected ServiceStartupContract(String serviceName) {
    this.serviceName = serviceName;
  }

  /** Settings the service needs to start in a test (e.g. a ROM folder); none by default. */
  protected ServiceProcess.Builder configure(ServiceProcess.Builder builder) {
    return builder;
  }

  @Test
  void servesHealthAndReflectionOverARealSocket() throws Exception {
    try (ServiceProcess service =
            configure(ServiceProcess.builder(ServiceProcess.moduleJar())).start();
        GrpcProbe probe = new GrpcProbe("127.0.0.1", service.port())) {
      service.awaitServing(START_TIMEOUT);

      assertTrue(
          probe.reflectedServices().contains(serviceName),
          () -> "reflection lists " + probe.reflectedServices());
      assertTrue(probe.reflectedServices().contains("grpc.health.v1.Health"));
      assertEquals(
          Status.Code.UNIMPLEMENTED, probe.callUnknownMethod(serviceName + "/NoSuchMethod").getCode());
      assertEquals(
          Status.Code.UNIMPLEMENTED, probe.callUnknownMethod("dqn.v1.NoSuchService/Call").getCode());

      HttpResponse<String> metrics =
          PrometheusText.HTTP_1_1
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + service.port() + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("jvm_memory_used_bytes"), metrics.body());
    }
  }

  /**
   * TLS, as docs/security.md documents it for every service: a certificate and insecure requests
   * disabled make the service's one port TLS only; the clients' channels trust the certificate
   * named by DQN_TLS_TRUST_CERT.
   */
  @Test
  void servesTlsOnlyOnItsPortWhenGivenACertificate(@TempDir Path dir) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
    int port = FreePorts.pick();
    try (ServiceProcess service =
        configure(ServiceProcess.builder(ServiceProcess.moduleJar()))
            .port(port)
            .property("quarkus.http.insecure-requests", "disabled")
            .property("quarkus.http.ssl.certificate.key-store-file", certificate.keyStore().toString())
            .property("quarkus.http.ssl.certificate.key-store-password", certificate.password())
            .start()) {
      ManagedChannel tls = Channels.open("localhost:" + port, Optional.empty(), Optional.of(certificate.pem()));
      ManagedChannel plain = Channels.open("localhost:" + port, Optional.empty(), Optional.empty());
      try {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HealthCheckResponse.ServingStatus status = null;
        while (status != HealthCheckResponse.ServingStatus.SERVING) {
          assertTrue(service.isAlive(), () -> "the service exited:\n" + service.output());
          assertTrue(System.nanoTime() < deadline, () -> "no TLS health answer:\n" + service.output());
          try {
            status = health(tls);
          } catch (StatusRuntimeException notYet) {
            Thread.sleep(200);
          }
        }
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> health(plain));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), "plaintext is refused on a TLS port");
      } finally {
        tls.shutdownNow();
        plain.shutdownNow();
      }
    }
  }

  private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  @Test
  void busyPortStopsStartWithTheSettingToChange() throws Exception {
    try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServiceProcess service =
          configure(ServiceProcess.builder(ServiceProcess.moduleJar()))
              .port(occupied.getLocalPort())
              .start();
      try {
        assertNotEquals(0, service.awaitExit(START_TIMEOUT));
        String output = service.output();
        assertTrue(output.contains(String.valueOf(occupied.getLocalPort())), output);
        assertTrue(output.contains("DQN_PORT"), output);
      } finally {
        service.close();
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not occupy a port for the test", e);
    }
  }
}
