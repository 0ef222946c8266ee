package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dqn.launcher.FreePorts;
import dqn.launcher.ServiceProcess;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ListModelsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The TLS settings the README documents: TLS only, on the service's one port. */
class TlsIT {

  private static final String PASSWORD = "changeit";

  @Test
  void servesTlsOnlyWithTheDocumentedSettings() throws Exception {
    Path dir = Files.createTempDirectory("inference-tls-");
    Path keyStore = dir.resolve("server.p12");
    selfSignedCertificate(keyStore);
    int port = FreePorts.pick();
    try (ServiceProcess service =
        Services.builder(dir.resolve("models"))
            .property("quarkus.http.ssl-port", Integer.toString(port))
            .property("quarkus.http.insecure-requests", "disabled")
            .property("quarkus.http.ssl.certificate.key-store-file", keyStore.toString())
            .property("quarkus.http.ssl.certificate.key-store-password", PASSWORD)
            .start()) {
      ManagedChannel tls =
          NettyChannelBuilder.forAddress("localhost", port)
              .sslContext(GrpcSslContexts.forClient().trustManager(trustOnly(keyStore)).build())
              .build();
      ManagedChannel plain =
          NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
      try {
        assertEquals(0, awaitListModels(tls, service));
        StatusRuntimeException refused =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    InferenceServiceGrpc.newBlockingStub(plain)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      } finally {
        tls.shutdownNow();
        plain.shutdownNow();
      }
    }
  }

  /** Polls ListModels over TLS until the service answers (the plain-text health probe cannot). */
  private static int awaitListModels(ManagedChannel channel, ServiceProcess service)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return InferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .listModels(ListModelsRequest.getDefaultInstance())
            .getModelsCount();
      } catch (StatusRuntimeException notYet) {
        if (!service.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("no TLS answer:\n" + service.output(), notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  private static void selfSignedCertificate(Path keyStore) throws Exception {
    Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);
  }

  private static TrustManagerFactory trustOnly(Path keyStore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("server", store.getCertificate("server"));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    return factory;
  }
}
