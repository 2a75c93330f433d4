package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.TestCertificates;
import io.courier.gateway.testing.TestCertificates.Authority;
import io.courier.gateway.testing.TestCertificates.PemFiles;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.CallerIdentity;
import io.courier.protocol.RequestEnvelope;
import io.courier.testing.FakeService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route authentication {@code mtls} over a real TLS listener: the verified client certificate's subject is
 * the caller's identity on the request record; a caller without one is 401 on that route and served on an
 * open one.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class MutualTlsAuthenticationIT {
  @TempDir Path dir;

  @Test
  void theClientCertificatesSubjectIsTheCallersIdentity(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("mtls.requests", 1);
    GatewayTester.createResponseTopic(kafka, "mtls.responses", 1);
    Authority ca = TestCertificates.authority("Partners CA");
    PemFiles server = ca.server().writePem(dir, "server");
    String yaml = """
        http: {port: 0, tls: {certificate: "%s", key: "%s", client-auth: request, trust: "%s"}}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: mtls.responses}
        services:
          - name: partners
            request-topic: mtls.requests
            authentication: mtls
            routes:
              - {method: POST, path: /partners/orders}
              - {method: GET, path: /partners/ping, authentication: none}
        """.formatted(server.certificate(), server.key(), ca.writePem(dir.resolve("ca.pem")));
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "mtls.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      int port = gateway.gateway().httpPort();
      SSLContext partner = TestCertificates.clientContext(ca, ca.client("orders-app"));
      SSLContext anonymous = TestCertificates.clientContext(ca, null);

      assertThat(send(port, partner, "POST", "/partners/orders").statusCode()).isEqualTo(200);
      assertThat(RequestEnvelope.fromHeaders(service.takeRequest().headers()).identity())
          .isEqualTo(new CallerIdentity("mtls", "CN=orders-app", Map.of()));

      HttpResponse<String> without = send(port, anonymous, "POST", "/partners/orders");
      assertThat(without.statusCode()).isEqualTo(401);
      assertThat(without.body()).contains("urn:courier:problem:unauthorized");
      assertThat(send(port, anonymous, "GET", "/partners/ping").statusCode()).isEqualTo(200);
      RequestEnvelope next = RequestEnvelope.fromHeaders(service.takeRequest().headers());
      assertThat(next.path()).as("the refused POST was never produced").isEqualTo("/partners/ping");
      assertThat(next.identity()).isNull();
      assertThat(service.requestsSeen()).as("the 401 produced nothing").isZero();
    }
  }

  @Test
  void anMtlsRouteOnAListenerThatAsksForNoCertificateIsRefusedAtStartUp() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        kafka: {bootstrap-servers: "localhost:9092"}
        services: [{name: s, request-topic: t, authentication: mtls, routes: [{method: GET, path: /x}]}]
        """)).hasMessageContaining("authenticates by mtls, but the listener asks callers for no certificate");
  }

  private static HttpResponse<String> send(int port, SSLContext context, String method, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
