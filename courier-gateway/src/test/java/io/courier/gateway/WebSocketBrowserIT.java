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
 * The WebSocket front end in a real browser: a page served by another origin opens a {@code WebSocket} to the
 * gateway (Chromium's own client, handshake and framing), sends three requests at once and writes the answers
 * it received into the page, which the test reads with {@code --dump-dom}. A page of an origin that {@code
 * websocket.allowed-origins} does not list cannot open the socket.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class WebSocketBrowserIT {
  private static final String PAGE = """
      <!doctype html>
      <html><body><pre id="result">pending</pre><script>
      const result = document.getElementById('result');
      const answers = [];
      const socket = new WebSocket('ws://localhost:%d/ws');
      socket.onopen = () => {
        for (const n of [1, 2, 3]) {
          socket.send(JSON.stringify({id: 'b-' + n, method: 'POST', path: '/echo/' + n, body: {n: n, from: location.origin}}));
        }
      };
      socket.onmessage = event => {
        const answer = JSON.parse(event.data);
        answers.push(answer.id + '=' + answer.status + ':' + answer.body.n);
        if (answers.length === 3) {
          result.textContent = 'answered ' + answers.sort().join(' ');
          socket.close(1000, 'done');
        }
      };
      socket.onclose = event => { if (answers.length < 3) result.textContent = 'closed ' + event.code; };
      </script></body></html>
      """;

  @TempDir Path dir;

  @Test
  void aPageOfAnAllowedOriginGetsEveryAnswerOverItsSocketAndAPageOfAnotherOriginCannotOpenOne(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("ws.browser.requests", 1);
    GatewayTester.createResponseTopic(kafka, "ws.browser.responses", 1);
    HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int pagePort = pages.getAddress().getPort();
    String yaml = """
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: ws.browser.responses}
        websocket: {enabled: true, allowed-origins: ["http://localhost:%d"]}
        services:
          - name: echo
            request-topic: ws.browser.requests
            routes:
              - {method: POST, path: "/echo/{n}"}
        """.formatted(pagePort);
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "ws.browser.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      service.answer(request -> List.of(FakeService.reply(request, 200, Map.of("content-type", "application/json"), request.value())));
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

      // When a page of the allowed origin opens a socket and sends three requests
      String allowed = chromium.dom(URI.create("http://localhost:" + pagePort + "/"));

      // Then it received each answer, under its own id
      assertThat(allowed).contains("answered b-1=200:1 b-2=200:2 b-3=200:3");
      assertThat(service.requestsSeen()).isEqualTo(3);
      service.clearRequests();

      // When a page of another origin (127.0.0.1 is not localhost to the browser) tries
      String refused = chromium.dom(URI.create("http://127.0.0.1:" + pagePort + "/"));

      // Then the upgrade is refused and the service never hears of it
      assertThat(refused).contains("closed 1006");
      assertThat(gateway.counter("courier.websocket.refusals", "reason", "origin")).isEqualTo(1);
      assertThat(service.requestsSeen()).isZero();
    } finally {
      pages.stop(0);
    }
  }
}
