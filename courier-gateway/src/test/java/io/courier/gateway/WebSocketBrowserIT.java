package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.HeadlessChromium;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket front end in a real browser: a page served by another origin opens a {@code WebSocket} to the
 * gateway (Chromium's own client, handshake and framing), sends three requests at once and writes the answers
 * it received into the page, which the test reads with {@code --dump-dom}; the same page reads a streamed
 * reply over the socket and, with {@code EventSource}, as Server-Sent Events. A page of an origin that {@code
 * websocket.allowed-origins} does not list cannot open the socket.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class WebSocketBrowserIT {
  private static final String PAGE = """
      <!doctype html>
      <html><body><pre id="result">pending</pre><script>
      const gateway = 'localhost:%d';
      const result = document.getElementById('result');
      const done = text => { result.textContent = text; fetch('/done', {method: 'POST'}); };
      const answers = [];
      const streamed = [];
      const events = [];
      let pending = 2;
      const finished = () => { if (--pending === 0) done('answered ' + answers.sort().join(' ') + ' | socket stream ' + streamed.join(' ') + ' | sse ' + events.join(' ')); };

      // Over a WebSocket: three requests at once and a streamed reply, each frame under its request's id
      const socket = new WebSocket('ws://' + gateway + '/ws');
      socket.onopen = () => {
        for (const n of [1, 2, 3]) {
          socket.send(JSON.stringify({id: 'b-' + n, method: 'POST', path: '/echo/' + n, body: {n: n, from: location.origin}}));
        }
        socket.send(JSON.stringify({id: 's', method: 'GET', path: '/count/3'}));
      };
      socket.onmessage = event => {
        const frame = JSON.parse(event.data);
        if (frame.id === 's') {
          streamed.push('status' in frame ? 'end=' + frame.end.status + '/' + frame.end.items : frame.seq + ':' + frame.item.n);
        } else {
          answers.push(frame.id + '=' + frame.status + ':' + frame.body.n);
        }
        if (answers.length === 3 && streamed.length === 4) {
          socket.close(1000, 'done');
          finished();
        }
      };
      socket.onclose = event => { if (answers.length < 3) done('closed ' + event.code); };

      // Server-Sent Events: the same streaming route, item by item, then the end event
      const source = new EventSource('http://' + gateway + '/count/3');
      source.onmessage = event => events.push(event.lastEventId + ':' + JSON.parse(event.data).n);
      source.addEventListener('end', event => { events.push('end=' + JSON.parse(event.data).status); source.close(); finished(); });
      </script><img src="/hold"></body></html>
      """;

  @TempDir Path dir;

  private static Reply count(io.courier.responder.Request request, int count) {
    io.courier.responder.ReplyStream stream = request.stream();
    for (int i = 0; i < count; i++) {
      stream.send("{\"n\":" + i + "}");
    }
    return stream.end(200);
  }

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
        cors: {allowed-origins: ["http://localhost:%d"]}
        services:
          - name: echo
            request-topic: ws.browser.requests
            routes:
              - {method: POST, path: "/echo/{n}"}
              - {method: GET, path: "/count/{n}", stream: {idle-timeout: 5s, max-duration: 20s}}
        """.formatted(pagePort, pagePort);
    AtomicInteger served = new AtomicInteger();
    try (Responder service =
            Responder.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .requestTopic("ws.browser.requests")
                .groupId("ws-browser-echo")
                .handler(request -> {
                  if (request.path().startsWith("/count/")) {
                    return CompletableFuture.supplyAsync(() -> count(request, Integer.parseInt(request.pathParam("n").orElseThrow())));
                  }
                  served.incrementAndGet();
                  return CompletableFuture.completedFuture(Reply.status(200).body("application/json", request.body()));
                })
                .build()
                .start();
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      byte[] page = PAGE.formatted(gateway.gateway().httpPort()).getBytes(StandardCharsets.UTF_8);
      pages.createContext("/", exchange -> {
        exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream body = exchange.getResponseBody()) {
          body.write(page);
        }
      });
      // The page's load event, when Chromium dumps the DOM, waits for this image: answered once the page is done.
      AtomicReference<CountDownLatch> pageDone = new AtomicReference<>();
      pages.createContext("/hold", exchange -> {
        try {
          pageDone.get().await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      pages.createContext("/done", exchange -> {
        pageDone.get().countDown();
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      pages.setExecutor(Executors.newCachedThreadPool()); // /hold waits while /done is served
      pages.start();
      HeadlessChromium chromium = new HeadlessChromium(dir);
      pageDone.set(new CountDownLatch(1));

      // When a page of the allowed origin opens a socket and sends three requests
      String allowed = chromium.domAtLoad(URI.create("http://localhost:" + pagePort + "/"));

      // Then it received each answer under its own id, the socket's stream in order with its end, and the same
      // stream as Server-Sent Events
      assertThat(allowed).contains("answered b-1=200:1 b-2=200:2 b-3=200:3 | socket stream 0:0 1:1 2:2 end=200/3 | sse 0:0 1:1 2:2 end=200");
      assertThat(served.get()).isEqualTo(3);

      // When a page of another origin (127.0.0.1 is not localhost to the browser) tries
      pageDone.set(new CountDownLatch(1));
      String refused = chromium.domAtLoad(URI.create("http://127.0.0.1:" + pagePort + "/"));

      // Then the upgrade is refused and the service never hears of it
      assertThat(refused).contains("closed 1006");
      assertThat(gateway.counter("courier.websocket.refusals", "reason", "origin")).isEqualTo(1);
      assertThat(served.get()).as("no frame of the other origin's page reached the service").isEqualTo(3);
    } finally {
      pages.stop(0);
    }
  }
}
