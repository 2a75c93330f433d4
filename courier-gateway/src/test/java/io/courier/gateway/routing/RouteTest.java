package io.courier.gateway.routing;

import static io.courier.gateway.routing.Routes.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteTest {

  @Test
  void admitsUpToMaxInFlightThenRefuses() {
    // given
    Route route = new Route(config("GET", "/orders", 3));

    // when / then
    assertThat(route.tryAdmit()).isTrue();
    assertThat(route.tryAdmit()).isTrue();
    assertThat(route.tryAdmit()).isTrue();
    assertThat(route.tryAdmit()).isFalse();
    assertThat(route.inFlight()).isEqualTo(3);
  }

  @Test
  void refusalDoesNotTakeASlot() {
    Route route = new Route(config("GET", "/orders", 1));
    route.tryAdmit();

    route.tryAdmit();
    route.tryAdmit();

    assertThat(route.inFlight()).isEqualTo(1);
  }

  @Test
  void releaseFreesASlot() {
    // given
    Route route = new Route(config("GET", "/orders", 1));
    assertThat(route.tryAdmit()).isTrue();
    assertThat(route.tryAdmit()).isFalse();

    // when
    route.release();

    // then
    assertThat(route.inFlight()).isZero();
    assertThat(route.tryAdmit()).isTrue();
  }

  @Test
  void routeParsesItsTemplate() {
    Route route = new Route(config("GET", "/orders/{id}"));

    assertThat(route.template().parameters()).containsExactly("id");
    assertThat(route.name()).isEqualTo("svc.GET /orders/{id}");
  }

  @Test
  void concurrentAdmissionNeverExceedsTheCap() throws Exception {
    // given
    int cap = 4;
    int threads = 8;
    int attemptsPerThread = 20_000;
    Route route = new Route(config("POST", "/orders", cap));
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger highest = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < attemptsPerThread; i++) {
                    if (route.tryAdmit()) {
                      admitted.incrementAndGet();
                      int now = holding.incrementAndGet();
                      highest.accumulateAndGet(now, Math::max);
                      assertThat(route.inFlight()).isBetween(1, cap);
                      holding.decrementAndGet();
                      route.release();
                    }
                  }
                  return null;
                }));
      }

      // when
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // then
    assertThat(highest.get()).isBetween(1, cap);
    assertThat(admitted.get()).isPositive();
    assertThat(route.inFlight()).isZero();
  }
}
