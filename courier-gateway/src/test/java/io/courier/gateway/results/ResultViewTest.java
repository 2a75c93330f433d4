package io.courier.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import io.courier.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ResultViewTest {
  private final FakeClock clock = new FakeClock();
  private final ResultView view = new ResultView(clock, Duration.ofHours(1), 1024 * 1024);

  private StoredResult pending(String id) {
    return StoredResult.pending(id, "orders.POST /orders", clock.instant(), clock.instant().plusSeconds(10), null, null, "orders", 0);
  }

  private StoredResult claim(String id, String scope) {
    return StoredResult.pending(id, "orders.POST /orders", clock.instant(), clock.instant().plusSeconds(10), scope, "f", "orders", -1);
  }

  private static Outcome.Replied reply(String body) {
    return new Outcome.Replied(201, HeaderFields.of("location", "/orders/1"), body.getBytes(StandardCharsets.UTF_8));
  }

  /** Through the record codec, as the consumer applies it. */
  private void read(StoredResult result) {
    ProducerRecord<byte[], byte[]> written = ResultRecords.record("results", 0, result);
    view.apply(new ConsumerRecord<>("results", 0, 0, written.key(), written.value()) {
      @Override
      public org.apache.kafka.common.header.Headers headers() {
        return written.headers();
      }
    });
  }

  @Test
  void aResultGoesThroughTheRecordCodecUnchanged() {
    StoredResult done = claim("gw.1", "orders\nk-1").inPartition(2).done(reply("{\"id\":1}"));

    read(done);

    StoredResult back = view.get("gw.1");
    assertThat(back.state()).isEqualTo(StoredResult.State.DONE);
    assertThat(back.reply().status()).isEqualTo(201);
    assertThat(back.reply().headers()).isEqualTo(HeaderFields.of("location", "/orders/1"));
    assertThat(new String(back.reply().body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
    assertThat(back.scope()).isEqualTo("orders\nk-1");
    assertThat(back.requestPartition()).isEqualTo(2);
    assertThat(back.created()).isEqualTo(done.created().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  @Test
  void theFirstClaimOfAScopeInTheLogWinsAndATombstoneGivesItUp() {
    read(claim("gw-a.1", "s"));
    read(claim("gw-b.2", "s"));

    assertThat(view.claimOf("s").id()).isEqualTo("gw-a.1");

    view.apply("gw-a.1", null); // the first gave its claim up (its request never reached Kafka)
    read(claim("gw-c.3", "s"));

    assertThat(view.claimOf("s").id()).isEqualTo("gw-c.3");
  }

  @Test
  void aClaimsVerdictIsTheHolderWhenItWasAppliedWhateverHappensLater() {
    // W holds; L is applied while W holds; W gives up; M is applied: all in one poll
    read(claim("gw-w.1", "s"));
    read(claim("gw-l.2", "s"));
    view.apply("gw-w.1", null);
    read(claim("gw-m.3", "s"));

    assertThat(view.verdict("gw-w.1")).as("forgotten with its claim").isNull();
    assertThat(view.verdict("gw-l.2")).as("lost to W, though W is gone now").isEqualTo("gw-w.1");
    assertThat(view.verdict("gw-m.3")).isEqualTo("gw-m.3");
    assertThat(view.claimOf("s").id()).isEqualTo("gw-m.3");
  }

  @Test
  void aWaiterIsToldWhenTheResultItWaitsForIsForgotten() {
    read(claim("gw.1", "s"));
    List<StoredResult> told = Collections.synchronizedList(new ArrayList<>());
    view.whenFinal("gw.1", told::add);

    view.apply("gw.1", null);

    assertThat(told).containsExactly((StoredResult) null);
  }

  @Test
  void resultsOfIdempotentRequestsAreNotDroppedForMemory() {
    ResultView small = new ResultView(clock, Duration.ofHours(1), 10_000);
    for (int i = 0; i < 10; i++) {
      small.put(claim("gw." + i, "s" + i).done(reply("x".repeat(2_000))));
    }

    assertThat(small.size()).isEqualTo(10);
    assertThat(small.evicted()).isZero();
  }

  @Test
  void overItsBoundWithIdempotentResultsOnlyTheViewStillDropsTheOthersOldestFirst() {
    // given a view over its bound with results of idempotent requests, kept for their window
    ResultView small = new ResultView(clock, Duration.ofHours(1), 10_000);
    for (int i = 0; i < 10; i++) {
      small.put(claim("gw.k" + i, "s" + i).done(reply("x".repeat(2_000))));
    }

    // when results of plain requests come, each over the bound
    small.put(pending("gw.a").done(reply("a")));
    small.put(pending("gw.b").done(reply("b")));

    // then each is dropped in turn and the idempotent ones stay
    assertThat(small.get("gw.a")).isNull();
    assertThat(small.get("gw.b")).isNull();
    assertThat(small.evicted()).isEqualTo(2);
    assertThat(small.size()).isEqualTo(10);
    assertThat(small.trackedIds()).isEqualTo(10); // the dropped ids are not kept either
  }

  @Test
  void aResultTakenOverTheBoundCostsTheSameHoweverManyIdempotentResultsAreHeld() {
    // 200 000 idempotent results over a tiny bound: each put used to look through all those held for one it
    // could drop (the bench's idempotent runs fell from 4 000 to 80 requests/s once the view filled). Linear,
    // this takes well under a second; quadratic, many minutes: the limit only catches the second.
    ResultView small = new ResultView(clock, Duration.ofHours(1), 10_000);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < 200_000; i++) {
        small.put(claim("gw." + i, "s" + i));
      }
    });
    assertThat(small.size()).isEqualTo(200_000);
    assertThat(small.evicted()).isZero();
  }

  @Test
  void idsAreForgottenWithTheirResults() {
    ResultView small = new ResultView(clock, Duration.ofHours(1), 10_000);
    for (int i = 0; i < 100; i++) {
      small.put(pending("gw.p" + i).done(reply("x".repeat(2_000)))); // most dropped for memory
      small.put(claim("gw.k" + i, "s" + i));
    }
    assertThat(small.trackedIds()).isEqualTo(small.size());

    clock.advance(Duration.ofHours(1));
    small.forgetExpired();

    assertThat(small.size()).isZero();
    assertThat(small.trackedIds()).isZero();
    assertThat(small.bytes()).isZero();
  }

  @Test
  void aLaterStateNeverGivesWayToAnEarlierOne() {
    view.put(pending("gw.1").done(reply("done")));
    view.put(pending("gw.1"));
    view.put(pending("gw.1").cancelled());

    assertThat(view.get("gw.1").state()).isEqualTo(StoredResult.State.DONE);
  }

  @Test
  void aKnownRequestPartitionIsKeptWhenAClaimWithoutOneComesBack() {
    view.put(claim("gw.1", "s").inPartition(4));
    read(claim("gw.1", "s"));

    assertThat(view.get("gw.1").requestPartition()).isEqualTo(4);
  }

  @Test
  void resultsArePastTheirWindowAfterTheRetention() {
    view.put(pending("gw.1"));
    clock.advance(Duration.ofMinutes(59));
    assertThat(view.get("gw.1")).isNotNull();

    clock.advance(Duration.ofMinutes(1));
    assertThat(view.get("gw.1")).isNull();
    view.forgetExpired();
    assertThat(view.size()).isZero();
    assertThat(view.bytes()).isZero();
  }

  @Test
  void theOldestAreDroppedPastTheMemoryBound() {
    ResultView small = new ResultView(clock, Duration.ofHours(1), 10_000);
    for (int i = 0; i < 10; i++) {
      small.put(pending("gw." + i).done(reply("x".repeat(2_000))));
    }

    assertThat(small.bytes()).isLessThanOrEqualTo(10_000);
    assertThat(small.evicted()).isEqualTo(10 - small.size());
    assertThat(small.get("gw.9")).isNotNull();
    assertThat(small.get("gw.0")).isNull();
  }

  @Test
  void aWaiterIsToldOnceWhenTheResultIsFinal() {
    view.put(pending("gw.1"));
    List<StoredResult> told = Collections.synchronizedList(new ArrayList<>());
    view.whenFinal("gw.1", told::add);

    view.put(pending("gw.1"));
    assertThat(told).isEmpty();
    view.put(pending("gw.1").done(reply("a")));
    view.put(pending("gw.1").done(reply("b")));

    assertThat(told).hasSize(1);
    assertThat(view.waiting()).isZero();
  }

  @Test
  void aWaiterThatStoppedIsNotTold() {
    AtomicInteger told = new AtomicInteger();
    Runnable stop = view.whenFinal("gw.1", result -> told.incrementAndGet());

    stop.run();
    view.put(pending("gw.1").done(reply("a")));

    assertThat(told).hasValue(0);
    assertThat(view.waiting()).isZero();
  }

  @Test
  void aWaiterRacingTheResultIsToldExactlyOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 2_000; i++) {
        String id = "gw." + i;
        AtomicInteger told = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<?> waiter = CompletableFuture.runAsync(() -> {
          await(go);
          view.whenFinal(id, result -> told.incrementAndGet());
        }, threads);
        CompletableFuture<?> writer = CompletableFuture.runAsync(() -> {
          await(go);
          view.put(pending(id).done(reply("r")));
        }, threads);
        go.countDown();
        CompletableFuture.allOf(waiter, writer).get(5, TimeUnit.SECONDS);
        assertThat(told).as(id).hasValue(1);
      }
      assertThat(view.waiting()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void appliedCompletesOnceThePositionHasPassedTheOffset() {
    CompletableFuture<Void> applied = view.applied(1, 41);
    view.positionAt(1, 41);
    view.positionAt(0, 100);
    assertThat(applied).isNotDone();

    view.positionAt(1, 42);
    assertThat(applied).isDone();
    assertThat(view.applied(1, 10)).as("already passed").isDone();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
