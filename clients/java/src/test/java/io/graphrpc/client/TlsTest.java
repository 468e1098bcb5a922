package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS and mutual TLS against a graphrpc of its own, with certificates made by openssl for
 * the test: a server certificate from one test CA, a client certificate from another whose
 * subject the access file maps to a reader.
 */
class TlsTest {
  private static Path dir;
  private static OwnServer server;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("graphrpc-java-tls");
    ca("server-ca");
    ca("client-ca");
    issue("server", "server-ca", "/CN=graphrpc",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
    issue("client", "client-ca", "/CN=analyst/O=Acme",
        "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
    server = OwnServer.start(
        Map.of(
            "GRAPHRPC_TLS_CERT_FILE", dir.resolve("server.pem").toString(),
            "GRAPHRPC_TLS_KEY_FILE", dir.resolve("server.key").toString(),
            "GRAPHRPC_TLS_CLIENT_CA_FILE", dir.resolve("client-ca.pem").toString(),
            "GRAPHRPC_TLS_CLIENT_AUTH", "optional"),
        "certificates:\n  - subject: 'CN=analyst,O=Acme'\n    principal: analyst\n    role: reader\n"
            + "    raw_cypher: true\n");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String https() {
    return "https://127.0.0.1:" + server.port;
  }

  @Test
  void aTokenOverTls() {
    try (GraphRpcClient client = GraphRpcClient.builder(https())
        .token(OwnServer.TOKEN)
        .trustedCertificates(dir.resolve("server-ca.pem"))
        .build()) {
      assertEquals(1L, client.run("RETURN 1 AS one").single().get("one"));
    }
  }

  @Test
  void aClientCertificateIsThePrincipal() {
    try (GraphRpcClient client = GraphRpcClient.builder(https())
        .trustedCertificates(dir.resolve("server-ca.pem"))
        .clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
        .build()) {
      assertEquals(1L, client.run("RETURN 1 AS one").single().get("one"));
      PermissionDeniedException e = assertThrows(
          PermissionDeniedException.class, () -> client.run("CREATE (:JavaTlsTest)"));
      assertEquals(Status.Code.PERMISSION_DENIED, e.code());
    }
  }

  @Test
  void aServerOutsideTheTrustedCasIsRefused() {
    try (GraphRpcClient client = GraphRpcClient.builder(https())
        .token(OwnServer.TOKEN)
        .trustedCertificates(dir.resolve("client-ca.pem"))
        .build()) {
      GraphRpcException e = assertThrows(GraphRpcException.class, () -> client.run("RETURN 1"));
      assertEquals(Status.Code.UNAVAILABLE, e.code());
    }
  }

  @Test
  void certificatesNeedAnHttpsEndpoint() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GraphRpcClient.builder(server.endpoint).trustedCertificates(dir.resolve("server-ca.pem")).build());
    assertEquals("endpoint: certificates need an https:// endpoint", e.getMessage());
  }

  private static void ca(String name) throws IOException, InterruptedException {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-days", "1", "-subj", "/CN=" + name,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  private static void issue(String name, String ca, String subject, String extensions)
      throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
        "-CAcreateserial", "-out", name + ".pem", "-days", "1", "-extfile", name + ".ext");
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }
}
