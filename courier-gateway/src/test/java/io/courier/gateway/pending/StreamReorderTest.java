package io.courier.gateway.pending;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.error.GatewayError;
import io.courier.protocol.HeaderFields;
import io.courier.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The order of a stream's records (docs/protocol.md, "Order, gaps, duplicates, records after the end"). */
class StreamReorderTest {
  private final FakeClock clock = new FakeClock();
  private final PendingReplies pending = new PendingReplies("gw-1", clock, Duration.ofMinutes(5), 1000);
  private final Recorder listener = new Recorder();

  @Test
  void recordsOutOfOrderAreHeldUntilTheGapFillsAndGoOutInOrder() {
    register("gw-1.a");

    assertThat(pending.stream("gw-1.a", item(1))).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(pending.stream("gw-1.a", item(2))).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(listener.sequences()).as("held behind the gap at 0").isEmpty();
    pending.stream("gw-1.a", item(0));

    assertThat(listener.sequences()).containsExactly(0L, 1L, 2L);
    assertThat(pending.size()).isEqualTo(1);
  }

  @Test
  void theEndFinishesTheRequestAndLaterRecordsAreDuplicatesOrPastTheEnd() {
    register("gw-1.b");
    pending.stream("gw-1.b", end(1, 200));
    assertThat(pending.stream("gw-1.b", item(3))).as("numbered past the end").isEqualTo(ReplyOutcome.LATE);

    assertThat(pending.stream("gw-1.b", item(0))).isEqualTo(ReplyOutcome.MATCHED);

    assertThat(listener.sequences()).containsExactly(0L, 1L);
    assertThat(pending.size()).as("the end marker finished it").isZero();
    assertThat(pending.stream("gw-1.b", item(0))).isEqualTo(ReplyOutcome.DUPLICATE);
    assertThat(pending.complete("gw-1.b", new Outcome.Replied(200, HeaderFields.EMPTY, new byte[0])))
        .isEqualTo(ReplyOutcome.DUPLICATE);
  }

  @Test
  void aRecordDeliveredOrHeldAlreadyIsADuplicate() {
    register("gw-1.c");
    pending.stream("gw-1.c", item(0));
    pending.stream("gw-1.c", item(2));

    assertThat(pending.stream("gw-1.c", item(0))).isEqualTo(ReplyOutcome.DUPLICATE);
    assertThat(pending.stream("gw-1.c", item(2))).isEqualTo(ReplyOutcome.DUPLICATE);
    assertThat(listener.sequences()).containsExactly(0L);
  }

  @Test
  void aRecordBeyondTheWindowBreaksTheStream() {
    register("gw-1.d");

    assertThat(pending.stream("gw-1.d", item(StreamReorder.WINDOW))).isEqualTo(ReplyOutcome.MALFORMED);

    assertThat(listener.outcomes).singleElement().satisfies(outcome ->
        assertThat(((Outcome.Failed) outcome).error()).isEqualTo(GatewayError.STREAM_BROKEN));
    assertThat(pending.size()).isZero();
  }

  @Test
  void oneSingleReplyAnswersAStreamingRequestOnlyBeforeItsStreamBegins() {
    register("gw-1.e");
    register("gw-1.f");
    Outcome.Replied reply = new Outcome.Replied(404, HeaderFields.EMPTY, new byte[0]);

    assertThat(pending.complete("gw-1.e", reply)).isEqualTo(ReplyOutcome.MATCHED);
    pending.stream("gw-1.f", item(0));
    assertThat(pending.complete("gw-1.f", reply)).isEqualTo(ReplyOutcome.DUPLICATE);
  }

  @Test
  void theFirstRecordStopsTheWaitForItButNotTheStreamsOwnLimits() {
    register("gw-1.g");
    pending.stream("gw-1.g", item(0));

    assertThat(pending.expire("gw-1.g")).as("the first-record deadline no longer applies").isFalse();
    assertThat(pending.fail("gw-1.g", GatewayError.STREAM_IDLE_TIMEOUT, "idle")).isTrue();
  }

  /**
   * The same stream read twice at once, as while partitions move (directly and forwarded), each copy a little
   * out of order: every record reaches the exchange exactly once, in order, and the copies are duplicates.
   */
  @Test
  void twoThreadsOfferingTheSameRecordsDeliverEachOnceInOrder() throws Exception {
    int items = 2_000;
    AtomicInteger duplicates = new AtomicInteger();
    for (int round = 0; round < 20; round++) {
      PendingReplies registry = new PendingReplies("gw-1", clock, Duration.ofMinutes(5), 1000);
      Recorder recorder = new Recorder();
      registry.register(new PendingRequest("gw-1.r", "route", clock.instant().plusSeconds(60), recorder, new StreamReorder(0)));
      List<List<StreamRecord>> copies = List.of(shuffledInBlocks(items, new Random(round)), shuffledInBlocks(items, new Random(-round - 1)));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> readers = new ArrayList<>();
        for (List<StreamRecord> copy : copies) {
          readers.add(threads.submit(() -> {
            start.await();
            for (StreamRecord record : copy) {
              if (registry.stream("gw-1.r", record) == ReplyOutcome.DUPLICATE) {
                duplicates.incrementAndGet();
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> reader : readers) {
          reader.get();
        }
      } finally {
        threads.shutdownNow();
      }
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i <= items; i++) {
        expected.add(i);
      }
      assertThat(recorder.sequences()).as("round " + round).isEqualTo(expected);
      assertThat(registry.size()).isZero();
    }
    assertThat(duplicates.get()).as("every record but one of each pair").isEqualTo(20 * (items + 1));
  }

  /** Items 0..n-1 and the end marker n, each block of 8 shuffled: never further ahead than the window. */
  private static List<StreamRecord> shuffledInBlocks(int items, Random random) {
    List<StreamRecord> records = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      records.add(item(i));
    }
    records.add(end(items, 200));
    for (int from = 0; from < records.size(); from += 8) {
      Collections.shuffle(records.subList(from, Math.min(records.size(), from + 8)), random);
    }
    return records;
  }

  private void register(String id) {
    pending.register(new PendingRequest(id, "route", clock.instant().plusSeconds(10), listener, new StreamReorder(clock.millis())));
  }

  private static StreamRecord item(long sequence) {
    return new StreamRecord(sequence, -1, HeaderFields.EMPTY, ("{\"n\":" + sequence + "}").getBytes());
  }

  private static StreamRecord end(long sequence, int status) {
    return new StreamRecord(sequence, status, HeaderFields.EMPTY, new byte[0]);
  }

  /** Remembers what it is told, on whatever thread. */
  private static final class Recorder implements PendingRequest.Listener {
    final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    final List<StreamRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void onOutcome(Outcome outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void onStreamRecord(StreamRecord record) {
      records.add(record);
    }

    List<Long> sequences() {
      return records.stream().map(StreamRecord::sequence).toList();
    }
  }
}
