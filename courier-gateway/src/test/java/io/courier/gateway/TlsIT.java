package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.TestCertificates;
import io.courier.gateway.testing.TestCertificates.Authority;
import io.courier.gateway.testing.TestCertificates.Issued;
import io.courier.gateway.testing.TestCertificates.PemFiles;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the HTTP listener of a real gateway, over real sockets: HTTPS with PEM files, protocols and cipher
 * suites refused, client certificates, a renewed certificate picked up without a restart (and a broken one
 * not), and files that cannot be used stopping start-up with the setting named.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TlsIT {
  private static final Authority CA = TestCertificates.authority("Courier Test CA");

  @TempDir Path dir;

  @BeforeAll
  static void topics(EmbeddedKafka kafka) {
    kafka.createTopic("tls.requests", 1);
    GatewayTester.createResponseTopic(kafka, "tls.responses", 1);
  }

  private static String yaml(String http) {
    return """
        http: {port: 0, event-loops: 2, %s}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: tls.responses}
        services:
          - {name: s, request-topic: tls.requests, routes: [{name: item, method: POST, path: "/items/{id}"}]}
        """.formatted(http);
  }

  @Test
  void aRoutedRequestOverHttpsWhileProtocolsAndCipherSuitesNotOfferedAreRefused(EmbeddedKafka kafka) throws Exception {
    // given a gateway serving TLS 1.3 only, with one cipher suite, from PEM files
    PemFiles server = CA.server().writePem(dir, "server");
    String tls = "tls: {certificate: %s, key: %s, protocols: [TLSv1.3], cipher-suites: [TLS_AES_256_GCM_SHA384]}"
        .formatted(server.certificate(), server.key());
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "tls.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml(tls))) {
      int port = gateway.gateway().httpPort();

      // when a client trusting the test CA posts to a route, then it is served over HTTPS
      HttpResponse<String> answer = https(port, TestCertificates.clientContext(CA, null), "POST", "/items/1");
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.sslSession()).get().extracting(session -> session.getProtocol()).isEqualTo("TLSv1.3");
      service.takeRequest();

      // and a client offering TLS 1.2 only, or another TLS 1.3 cipher suite, fails its handshake
      assertThatThrownBy(() -> handshake(port, TestCertificates.clientContext(CA, null), "TLSv1.2", null)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> handshake(port, TestCertificates.clientContext(CA, null), "TLSv1.3", "TLS_AES_128_GCM_SHA256"))
          .isInstanceOf(IOException.class);
      // and plain HTTP on the TLS port gets no answer
      assertThatThrownBy(() -> gateway.get("/ready")).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void withRequiredClientCertificatesOnlyCallersWithATrustedOneGetThrough(EmbeddedKafka kafka) throws Exception {
    // given a gateway that requires a client certificate from the test CA, its key in a PKCS#12 keystore
    Path keystore = CA.server().writePkcs12(dir.resolve("server.p12"), "s3cret");
    Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
    String tls = "tls: {keystore: %s, keystore-password: \"file:%s\", client-auth: required, trust: %s}"
        .formatted(keystore, password, CA.writePem(dir.resolve("ca.pem")));
    Authority stranger = TestCertificates.authority("Someone Else's CA");
    try (GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml(tls))) {
      int port = gateway.gateway().httpPort();

      // then no certificate, or one from another CA, is refused in the handshake
      assertThatThrownBy(() -> https(port, TestCertificates.clientContext(CA, null), "GET", "/ready")).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> https(port, TestCertificates.clientContext(CA, stranger.client("mallory")), "GET", "/ready"))
          .isInstanceOf(IOException.class);
      // and a certificate from the test CA gets through
      assertThat(https(port, TestCertificates.clientContext(CA, CA.client("orders-app")), "GET", "/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestartAndABrokenOneIsNot(EmbeddedKafka kafka) throws Exception {
    // given a gateway checking its PEM files every 200 ms
    Issued first = CA.server();
    PemFiles files = first.writePem(dir, "server");
    String tls = "tls: {certificate: %s, key: %s, reload-interval: 200ms}".formatted(files.certificate(), files.key());
    SSLContext client = TestCertificates.clientContext(CA, null);
    try (GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml(tls))) {
      int port = gateway.gateway().httpPort();
      assertThat(handshake(port, client, null, null)).isEqualTo(first.serial());

      // when the files are replaced by a renewed certificate, then new connections get it
      Issued renewed = CA.server();
      renewed.writePem(files);
      await().atMost(Duration.ofSeconds(10)).until(() -> handshake(port, client, null, null).equals(renewed.serial()));
      assertThat(gateway.counter("courier.tls.reloads", "listener", "http", "result", "reloaded")).isEqualTo(1.0);

      // when the certificate file is replaced by something that is not a certificate
      Files.writeString(files.certificate(), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.counter("courier.tls.reloads", "result", "failed") == 1.0);

      // then the renewed certificate is still served
      assertThat(handshake(port, client, null, null)).isEqualTo(renewed.serial());
      assertThat(gateway.gateway().meterRegistry().get("courier.tls.certificate.expiry").gauge().value())
          .isEqualTo(renewed.certificate().getNotAfter().getTime() / 1000.0);
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsStartUpNamingTheSetting(EmbeddedKafka kafka) {
    PemFiles server = CA.server().writePem(dir, "server");
    PemFiles other = CA.server().writePem(dir, "other");
    String tls = "tls: {certificate: %s, key: %s}".formatted(server.certificate(), other.key());

    assertThatThrownBy(() -> GatewayTester.start(kafka.bootstrapServers(), yaml(tls)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("<config>:1: http.tls: certificate " + server.certificate() + " and key " + other.key()
            + ": the private key does not belong to the certificate CN=localhost");
  }

  /** An HTTPS request on a new connection; IOException when the handshake or the connection fails. */
  static HttpResponse<String> https(int port, SSLContext context, String method, String path) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .method(method, HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A handshake on a new connection, offering only {@code protocol} and {@code cipherSuite} when given: the server certificate's serial. */
  static BigInteger handshake(int port, SSLContext context, String protocol, String cipherSuite) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      if (protocol != null) {
        parameters.setProtocols(new String[] {protocol});
      }
      if (cipherSuite != null) {
        parameters.setCipherSuites(new String[] {cipherSuite});
      }
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
