package io.courier.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.bench.process.HttpEchoMain;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's HTTP client ({@link HttpRoundTrip}) driven by {@link LoadRunner} against the HTTP floor's own echo
 * server, over real sockets: every request sent is counted once, answered or failed, whichever thread sends it.
 * The open loop sends from its own thread, outside Vert.x; with both cores busy, as in a bench run, that thread
 * is now and then descheduled while an answer from a fast server is already on its way. Asserts no timing.
 */
class HttpRoundTripIT {
  private static final byte[] BODY = "{\"id\":\"bench\",\"text\":\"a small JSON body\"}".getBytes(StandardCharsets.UTF_8);

  private Vertx server;
  private Vertx clients;
  private int port;
  private final AtomicBoolean busy = new AtomicBoolean(true);
  private final List<Thread> spinners = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    port = HttpEchoMain.deploy(server, 2);
    clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)); // as the bench's generator has it
    // The cores as busy as a bench run keeps them (broker, echo service, target): one spinning thread per core.
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread spinner = new Thread(() -> {
        while (busy.get()) {
          Thread.onSpinWait();
        }
      }, "busy-" + i);
      spinner.setDaemon(true);
      spinner.start();
      spinners.add(spinner);
    }
  }

  @AfterEach
  void stop() throws Exception {
    busy.set(false);
    for (Thread spinner : spinners) {
      spinner.join();
    }
    clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anOpenLoopSentFromOutsideVertxHasEveryRequestAnswered() {
    int rate = 2_000;
    try (LoadRunner load = new LoadRunner(BODY); HttpRoundTrip roundTrip = new HttpRoundTrip(clients, port, 64)) {
      // When the open loop sends 2 000 requests a second for 3 s from this thread (not a Vert.x one)
      Measurement measured =
          load.openLoop("http-floor", roundTrip, rate, Duration.ofMillis(500), Duration.ofSeconds(3), () -> Double.NaN);

      // Then each request due in the window was answered: none waited for an answer that never came
      assertThat(measured.errors()).as("requests never answered or failed").isZero();
      assertThat(measured.answered()).isEqualTo(3L * rate);
    }
  }
}
