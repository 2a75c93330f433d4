package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.HeadlessChromium;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS in a real browser: a page served by another origin (a second local HTTP server) makes a non-simple
 * request to a gateway route, so Chromium sends its own preflight and enforces the answer. A page of an
 * allowed origin reads the service's reply and an exposed header; a page of another origin sees the fetch fail
 * and its request never reaches the service.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CorsBrowserIT {
  /** Posts JSON with a custom header (a preflight for sure) and writes what it could read into the page. */
  private static final String PAGE = """
      <!doctype html>
      <html><body><pre id="result">pending</pre><script>
      const result = document.getElementById('result');
      fetch('http://localhost:%d/orders/o-1', {
        method: 'POST',
        headers: {'content-type': 'application/json', 'x-page': 'cors-test'},
        body: JSON.stringify({from: location.origin})
      })
        .then(response => response.text().then(body =>
          result.textContent = 'read ' + response.status + ' location=' + response.headers.get('location') + ' ' + body))
        .catch(error => result.textContent = 'failed ' + error.name);
      </script></body></html>
      """;

  @TempDir Path dir;

  @Test
  void aPageOfAnAllowedOriginReadsTheReplyAndAPageOfAnotherOriginNeverReachesTheService(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("cors.browser.requests", 1);
    GatewayTester.createResponseTopic(kafka, "cors.browser.responses", 1);
    HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int pagePort = pages.getAddress().getPort();
    String yaml = """
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: cors.browser.responses}
        cors:
          allowed-origins: ["http://*.app.localhost:%d"]
          allowed-headers: [content-type, x-page]
        services:
          - name: orders
            request-topic: cors.browser.requests
            routes:
              - {method: POST, path: "/orders/{id}", key: "path:id"}
        """.formatted(pagePort);
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "cors.browser.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      service.answer(request -> List.of(FakeService.reply(request, 201,
          Map.of("content-type", "application/json", "location", "/orders/o-1"),
          "{\"order\":\"o-1\",\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8))));
      byte[] page = PAGE.formatted(gateway.gateway().httpPort()).getBytes(StandardCharsets.UTF_8);
      pages.createContext("/", exchange -> {
        exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream body = exchange.getResponseBody()) {
          body.write(page);
        }
      });
      pages.start();
      HeadlessChromium chromium = new HeadlessChromium(dir);

      // When a page of an origin the list does not name (127.0.0.1 is not *.app.localhost) tries
      String refused = chromium.dom(URI.create("http://127.0.0.1:" + pagePort + "/"));

      // Then the browser refuses to send it after the gateway's preflight answer
      assertThat(refused).contains("failed TypeError");
      assertThat(gateway.counter("courier.cors.rejected", "reason", "origin")).isEqualTo(1);

      // When a page of an allowed origin (Chromium resolves *.localhost to this machine) makes the same call
      String allowed = chromium.dom(URI.create("http://shop.app.localhost:" + pagePort + "/"));

      // Then it reads the service's reply and the exposed Location
      assertThat(allowed).contains("read 201 location=/orders/o-1 {\"order\":\"o-1\",\"status\":\"accepted\"}");
      // And the only request the service ever read is the allowed page's
      assertThat(new String(service.takeRequest().value(), StandardCharsets.UTF_8))
          .isEqualTo("{\"from\":\"http://shop.app.localhost:" + pagePort + "\"}");
      assertThat(service.requestsSeen()).isZero();
    } finally {
      pages.stop(0);
    }
  }
}
