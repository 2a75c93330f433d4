package io.courier.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * wrk, the real program (installed by {@code .ci/run}), against a small HTTP server on port 0: the figures
 * of a {@link Measurement} come from its output, errors included. Asserts no timing.
 */
class WrkRunnerIT {
  private HttpServer server;
  private final AtomicLong bodiesSeen = new AtomicLong();
  private final List<String> notes = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/echo", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestMethod().equals("POST") && new String(body, StandardCharsets.UTF_8).startsWith("{\"id\"")) {
        bodiesSeen.incrementAndGet();
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/broken", exchange -> {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private WrkRunner wrk() {
    return WrkRunner.locate("{\"id\":\"bench\"}".getBytes(StandardCharsets.UTF_8), notes::add)
        .orElseThrow(() -> new AssertionError("wrk is not available: " + notes));
  }

  @Test
  void aClosedLoopPostsTheBodyAndReportsWhatWasAnswered() {
    Measurement m = wrk().closedLoop("echo", server.getAddress().getPort(), "/echo", 2, Duration.ZERO,
        Duration.ofSeconds(1), () -> 1.0);

    assertThat(m.generator()).isEqualTo("wrk");
    assertThat(m.mode()).isEqualTo("closed c=2");
    assertThat(m.answered()).isPositive();
    assertThat(m.errors()).isZero();
    assertThat(bodiesSeen.get()).as("requests that reached the server as POSTs with the JSON body").isGreaterThanOrEqualTo(m.answered());
    assertThat(m.p50Millis()).isPositive().isLessThanOrEqualTo(m.p99Millis());
    assertThat(m.p99Millis()).isLessThanOrEqualTo(m.p999Millis());
    assertThat(m.targetCpuSeconds()).as("the target's CPU before and after, here a constant").isZero();
  }

  @Test
  void non2xxAnswersAreErrorsNotAnswers() {
    Measurement m = wrk().closedLoop("broken", server.getAddress().getPort(), "/broken", 1, Duration.ZERO,
        Duration.ofSeconds(1), () -> Double.NaN);

    assertThat(m.answered()).isZero();
    assertThat(m.errors()).isPositive();
  }
}
