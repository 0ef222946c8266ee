package dqn.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway TLS identity for localhost and 127.0.0.1, made with the JDK's keytool: the server's
 * PKCS12 key store (what Quarkus' {@code quarkus.http.ssl.certificate.key-store-file} takes) and
 * its certificate as PEM (what a client trusts, as {@code DQN_TLS_TRUST_CERT}).
 */
public record SelfSignedCertificate(Path keyStore, String password, Path pem) {

  /** Writes {@code server.p12} and {@code server.pem} into {@code dir}. */
  public static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException {
    SelfSignedCertificate certificate =
        new SelfSignedCertificate(dir.resolve("server.p12"), "changeit", dir.resolve("server.pem"));
    keytool(
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", certificate.keyStore().toString(), "-storepass", certificate.password());
    keytool(
        "-exportcert", "-rfc", "-alias", "server", "-keystore", certificate.keyStore().toString(),
        "-storepass", certificate.password(), "-file", certificate.pem().toString());
    return certificate;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }
}
