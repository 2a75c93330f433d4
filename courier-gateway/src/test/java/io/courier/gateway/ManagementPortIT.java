package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.TestCertificates;
import io.courier.gateway.testing.TestCertificates.Authority;
import io.courier.gateway.testing.TestCertificates.PemFiles;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoints on a port of their own: there and only there, with TLS and client certificates
 * of their own, while the routes stay on the public port (plain HTTP here).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ManagementPortIT {
  @TempDir Path dir;

  @Test
  void managementEndpointsAnswerOnlyOnTheManagementPortAndRoutesOnlyOnThePublicOne(EmbeddedKafka kafka) throws Exception {
    // given a management port over TLS that requires a client certificate from the operators' CA
    kafka.createTopic("mgmt.requests", 1);
    GatewayTester.createResponseTopic(kafka, "mgmt.responses", 1);
    Authority operators = TestCertificates.authority("Operators CA");
    PemFiles server = operators.server().writePem(dir, "management");
    String yaml = """
        http: {port: 0}
        management:
          port: 0
          tls: {certificate: %s, key: %s, client-auth: required, trust: %s}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: mgmt.responses}
        services:
          - {name: s, request-topic: mgmt.requests, routes: [{name: item, method: POST, path: "/items/{id}"}]}
        """.formatted(server.certificate(), server.key(), operators.writePem(dir.resolve("operators.pem")));
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "mgmt.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      int management = gateway.gateway().managementPort();
      assertThat(management).isNotEqualTo(gateway.gateway().httpPort());
      var operator = TestCertificates.clientContext(operators, operators.client("prometheus"));

      // then /ready and /metrics answer on the management port, to a holder of an operator certificate
      assertThat(TlsIT.https(management, operator, "GET", "/ready").statusCode()).isEqualTo(200);
      assertThat(TlsIT.https(management, operator, "GET", "/metrics").body()).contains("courier_");
      assertThatThrownBy(() -> TlsIT.https(management, TestCertificates.clientContext(operators, null), "GET", "/ready"))
          .isInstanceOf(IOException.class);
      // and routes are not served there
      HttpResponse<String> route = TlsIT.https(management, operator, "POST", "/items/1");
      assertThat(route.statusCode()).isEqualTo(404);
      assertThat(route.body()).contains("urn:courier:problem:route-not-found");

      // and the public port serves the routes, and 404 on every management path
      assertThat(gateway.send("POST", "/items/1", "{}").statusCode()).isEqualTo(200);
      service.takeRequest();
      for (String path : io.courier.gateway.config.ManagementPaths.ALL) {
        HttpResponse<String> answer = gateway.get(path);
        assertThat(answer.statusCode()).as(path).isEqualTo(404);
        assertThat(answer.body()).as(path).contains("urn:courier:problem:route-not-found");
      }
    }
  }

  @Test
  void theManagementPortMayAskForAnApiKeyOfItsOwnWhileRoutesStayOpen(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("mgmt2.requests", 1);
    GatewayTester.createResponseTopic(kafka, "mgmt2.responses", 1);
    String yaml = """
        http: {port: 0}
        management: {port: 0, authentication: api-key}
        authentication: {api-keys: {keys: [{name: prometheus, sha256: %s}]}}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: mgmt2.responses}
        services:
          - {name: s, request-topic: mgmt2.requests, authentication: none, routes: [{name: item, method: POST, path: "/items/{id}"}]}
        """.formatted(java.util.HexFormat.of().formatHex(io.courier.gateway.config.AuthenticationConfig.ApiKey.hash("k-scrape")));
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "mgmt2.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      java.net.URI metrics = java.net.URI.create("http://localhost:" + gateway.gateway().managementPort() + "/metrics");

      HttpResponse<String> anonymous = client.send(java.net.http.HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("ApiKey realm=\"courier\", header=\"x-api-key\"");
      HttpResponse<String> scraper = client.send(
          java.net.http.HttpRequest.newBuilder(metrics).header("x-api-key", "k-scrape").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(scraper.statusCode()).isEqualTo(200);
      assertThat(scraper.body()).contains("courier_");
      assertThat(gateway.send("POST", "/items/1", "{}").statusCode()).as("routes keep their own access").isEqualTo(200);
      service.takeRequest();
    }
  }
}
