package io.courier.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import io.courier.gateway.config.StateConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The copy of a state topic: latest state per entity, waiters told once, and the bound on what it keeps. */
class StateViewTest {
  private static final StateConfig.StateField FIELD = new StateConfig.StateField(null, JsonPointer.compile("/state"));
  private long offset;

  private ConsumerRecord<byte[], byte[]> record(String entity, String value) {
    return new ConsumerRecord<>("orders.state", 0, offset++, entity == null ? null : entity.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static String order(String state) {
    return "{\"state\":\"" + state + "\",\"items\":[1,2,3]}";
  }

  @Test
  void keepsTheLatestStateOfEachEntityAndForgetsItOnATombstone() {
    StateView view = new StateView("orders.state", FIELD, 10);

    view.apply(record("o-1", order("CREATED")));
    view.apply(record("o-1", order("VALIDATED")));
    assertThat(view.get("o-1").state()).isEqualTo("VALIDATED");

    view.apply(record("o-1", null));
    assertThat(view.get("o-1")).isNull();
  }

  @Test
  void recordsWithoutAKeyOrAStateAreSkippedAndCounted() {
    StateView view = new StateView("orders.state", FIELD, 10);

    view.apply(record(null, order("VALIDATED")));
    view.apply(record("o-1", "{\"status\":\"VALIDATED\"}"));
    view.apply(record("o-2", "not json"));

    assertThat(view.skipped()).isEqualTo(3);
    assertThat(view.size()).isZero();
  }

  @Test
  void memoryIsBoundedByMaxEntitiesDroppingTheLeastRecentlyUsed() {
    // Given a view that keeps at most 1000 entities
    int max = 1000;
    StateView view = new StateView("orders.state", FIELD, max);

    // When a hundred times as many entities are written, one of them asked about now and then
    view.apply(record("hot", order("VALIDATED")));
    for (int i = 0; i < 100 * max; i++) {
      view.apply(record("o-" + i, order("CREATED")));
      if (i % 500 == 0) {
        view.get("hot");
      }
    }

    // Then it never holds more than the bound, counts what it dropped, and kept what callers use
    assertThat(view.size()).isEqualTo(max);
    assertThat(view.evicted()).isEqualTo(100L * max + 1 - max);
    assertThat(view.get("hot")).isNotNull();
    assertThat(view.get("o-0")).isNull();
    assertThat(view.get("o-" + (100 * max - 1))).isNotNull();
  }

  @Test
  void aWatcherIsToldAtOnceWhenTheStateIsKnownAlready() {
    StateView view = new StateView("orders.state", FIELD, 10);
    view.apply(record("o-1", order("VALIDATED")));
    List<String> told = new ArrayList<>();

    view.watch("o-1", now -> now.state().equals("VALIDATED"), now -> told.add(now.state()));

    assertThat(told).containsExactly("VALIDATED");
    assertThat(view.waiting()).isZero();
  }

  @Test
  void aWatcherIsToldOnceWhenItsConditionHoldsAndNotAfterItStopped() {
    StateView view = new StateView("orders.state", FIELD, 10);
    List<String> told = new ArrayList<>();
    view.watch("o-1", now -> now.state().equals("VALIDATED"), now -> told.add("first " + now.state()));
    Runnable stop = view.watch("o-1", now -> true, now -> told.add("stopped " + now.state()));
    stop.run();

    view.apply(record("o-1", order("CREATED")));
    view.apply(record("o-1", order("VALIDATED")));
    view.apply(record("o-1", order("VALIDATED")));

    assertThat(told).containsExactly("first VALIDATED");
    assertThat(view.waiting()).isZero();
  }

  @Test
  void aStateAppliedWhileAWatchIsRegisteredIsNeverMissed() throws Exception {
    // The race a fast validator makes: its state is applied on the consumer thread while the caller's
    // watch is registered on another. Whichever comes first, the watcher is told exactly once.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 2000; round++) {
        StateView view = new StateView("orders.state", FIELD, 10);
        String entity = "o-" + round;
        List<String> told = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        var applied = threads.submit(() -> {
          start.await();
          view.apply(new EntityState(entity, "VALIDATED", new byte[0]));
          return null;
        });
        var watched = threads.submit(() -> {
          start.await();
          view.watch(entity, now -> now.state().equals("VALIDATED"), now -> told.add(now.state()));
          return null;
        });
        start.countDown();
        applied.get(5, TimeUnit.SECONDS);
        watched.get(5, TimeUnit.SECONDS);

        assertThat(told).as("round %d", round).containsExactly("VALIDATED");
        assertThat(view.waiting()).isZero();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
