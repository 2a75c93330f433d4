package io.courier.gateway.exchange;

import static io.courier.gateway.exchange.ExchangeHarness.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.exchange.ExchangeHarness.Published;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.RequestEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Reply (a consumer thread), deadline (a timer thread), produce failure (the producer's thread) and the
 * caller leaving (its event loop) race on every exchange. Whoever wins, each caller is answered at most once
 * and every route slot comes back exactly once: a slot given back twice would leave the count below zero, one
 * never given back above it.
 */
class ExchangeRaceTest {
  private static final int EXCHANGES = 3_000;

  @Test
  void everySlotComesBackExactlyOnceWhateverWinsTheRace() throws Exception {
    // given exchanges published on one "event loop" thread
    ExchangeHarness harness = new ExchangeHarness(route("GET", "/orders/{id}", KeySource.NONE, EXCHANGES, 0, List.of()));
    ExecutorService loop = Executors.newSingleThreadExecutor();
    List<Caller> callers = new ArrayList<>();
    List<Exchange> exchanges = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    loop.submit(() -> {
          for (int i = 0; i < EXCHANGES; i++) {
            Caller caller = new Caller("GET", "/orders/" + i, loop);
            callers.add(caller);
            exchanges.add(harness.send(caller));
            Published published = harness.takePublished();
            ids.add(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
            if (i % 2 == 0) {
              published.acknowledge();
            }
          }
        })
        .get(30, TimeUnit.SECONDS);
    assertThat(harness.slotsHeld()).isEqualTo(EXCHANGES);

    // when four parties race on each exchange
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService racers = Executors.newFixedThreadPool(3);
    List<Future<?>> done = new ArrayList<>();
    done.add(racers.submit(() -> race(start, () -> {
      for (String id : ids) {
        harness.pending.complete(id, new Outcome.Replied(200, HeaderFields.EMPTY, new byte[0]));
      }
    })));
    done.add(racers.submit(() -> race(start, () -> ids.forEach(harness.pending::expire))));
    done.add(racers.submit(() -> race(start, () -> {
      for (String id : ids) {
        harness.pending.fail(id, GatewayError.PRODUCE_FAILED, new TimeoutException("t").toString());
      }
    })));
    done.add(loop.submit(() -> race(start, () -> exchanges.forEach(Exchange::callerGone))));
    start.countDown();
    for (Future<?> racer : done) {
      racer.get(60, TimeUnit.SECONDS);
    }
    loop.submit(() -> {}).get(30, TimeUnit.SECONDS); // the answers handed to the loop have run
    racers.shutdown();
    loop.shutdown();

    // then
    assertThat(harness.slotsHeld()).isZero();
    assertThat(harness.pending.size()).isZero();
    assertThat(callers).allSatisfy(caller -> assertThat(caller.answers).hasSizeLessThanOrEqualTo(1));
    assertThat(callers.stream().filter(caller -> caller.answers.isEmpty()).count())
        .as("callers left without an answer (the caller leaving won)")
        .isLessThan(EXCHANGES);
  }

  private static void race(CountDownLatch start, Runnable work) {
    try {
      start.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    work.run();
  }
}
