package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A consumer loop keeps going whatever its consumer throws: Kafka's errors make it not ready until a poll
 * succeeds again; anything else replaces the consumer; a loop that keeps crashing says so for /health.
 * Kafka's {@link MockConsumer}, no broker; pauses of 1 ms instead of 1 s.
 */
class ConsumerLoopTest {
  private static final TopicPartition PARTITION = new TopicPartition("replies", 0);
  private static final TopicPartition OTHER_PARTITION = new TopicPartition("replies", 1);

  private final List<MockConsumer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> handled = new CopyOnWriteArrayList<>();
  private final AtomicInteger afterPolls = new AtomicInteger();
  private final List<Long> positionsAtClose = new CopyOnWriteArrayList<>();
  private TestLoop loop;

  /** Assigns itself one partition, positioned at 0. */
  private class TestLoop extends ConsumerLoop {
    TestLoop() {
      super("test-loop", ConsumerLoopTest.this::newConsumer, ConsumerLoopTest.this::handle, NO_BATCHES, Duration.ofMillis(1));
    }

    @Override
    protected String setUp() {
      consumer.assign(List.of(PARTITION));
      ready();
      return null;
    }

    @Override
    protected void afterPoll(ConsumerRecords<byte[], byte[]> records) {
      afterPolls.incrementAndGet();
    }

    @Override
    protected void beforeClose() {
      if (consumer.assignment().contains(PARTITION)) {
        positionsAtClose.add(consumer.position(PARTITION)); // what a group member's commit would carry now
      }
    }

    MockConsumer<byte[], byte[]> current() {
      return (MockConsumer<byte[], byte[]>) consumer;
    }
  }

  private static final RecordBatchListener NO_BATCHES =
      new RecordBatchListener() {
        @Override
        public void batchStarted() {}

        @Override
        public void batchEnded() {}
      };

  /** What the handler throws on a record without a value. */
  private volatile Supplier<Throwable> handlerFailure = () -> new IllegalStateException("a record the handler cannot take");

  /** Handles a record; one without a value makes the handler throw {@link #handlerFailure}. */
  private void handle(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      Throwable failure = handlerFailure.get();
      if (failure instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) failure;
    }
    handled.add(record);
  }

  /** A wake-up not yet thrown: Kafka's is sticky, thrown by the next call that would wait. */
  private final java.util.concurrent.atomic.AtomicBoolean wakeUpPending = new java.util.concurrent.atomic.AtomicBoolean();
  /** While set, every poll of every consumer fails as it would without a group ACL. */
  private volatile boolean pollsRefused;
  /** Polls still to fail with a timeout. A counter, not MockConsumer's poll tasks: those are not thread-safe. */
  private final java.util.concurrent.atomic.AtomicInteger pollsStalling = new java.util.concurrent.atomic.AtomicInteger();


  private MockConsumer<byte[], byte[]> newConsumer() {
    MockConsumer<byte[], byte[]> consumer =
        new MockConsumer<>("earliest") {
          @Override
          public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            if (wakeUpPending.getAndSet(false)) {
              throw new org.apache.kafka.common.errors.WakeupException(); // sticky, as Kafka's
            }
            if (pollsRefused) {
              throw new GroupAuthorizationException("not allowed");
            }
            if (pollsStalling.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
              throw new TimeoutException("the broker stalls");
            }
            return super.poll(timeout);
          }

          @Override
          public void wakeup() {
            wakeUpPending.set(true);
          }
        };
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L, OTHER_PARTITION, 0L));
    made.add(consumer);
    return consumer;
  }

  private TestLoop started() {
    loop = new TestLoop();
    loop.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReason() == null && afterPolls.get() > 0);
    return loop;
  }

  private void record(TestLoop loop, long offset) {
    MockConsumer<byte[], byte[]> consumer = loop.current();
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>("replies", 0, offset, null, new byte[] {1})));
  }

  @AfterEach
  void close() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void aKafkaErrorFromPollMakesTheLoopNotReadyUntilAPollSucceeds() {
    // given a ready loop
    TestLoop loop = started();

    // when its poll fails with an error an ACL or a coordinator move will fix
    loop.current().setPollException(new GroupAuthorizationException("not allowed"));

    // then it is not ready, says why, and is ready again on the next good poll with the same consumer
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReason() == null && afterPolls.get() > 1);
    assertThat(made).hasSize(1);
    record(loop, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
  }

  @Test
  void aPollThatKeepsFailingGetsANewConsumer() {
    TestLoop loop = started();
    MockConsumer<byte[], byte[]> first = loop.current();

    pollsStalling.set(ConsumerLoop.POLL_FAILURES_BEFORE_RESTART);

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && loop.notReadyReason() == null);
    assertThat(first.closed()).isTrue();
  }

  @Test
  void pollsThatFailForLongAreNotACrashLoop() {
    // given a ready loop whose polls are refused for long (an ACL missing): consumer after consumer fails
    TestLoop loop = started();
    pollsRefused = true;
    await().atMost(Duration.ofSeconds(60)).until(() -> made.size() > ConsumerLoop.CRASHES_BEFORE_UNHEALTHY + 1);

    // then the loop says why it is not ready, but a restart of the process would not help: still healthy
    assertThat(loop.notReadyReason()).contains("cannot poll").contains("not allowed");
    assertThat(loop.crashLooping()).isFalse();

    // and once the ACL is there, it is ready again
    pollsRefused = false;
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.notReadyReason() == null);
  }

  @Test
  void anUnexpectedExceptionReplacesTheConsumerInsteadOfEndingTheThread() {
    TestLoop loop = started();
    MockConsumer<byte[], byte[]> first = loop.current();

    first.schedulePollTask(() -> {
      throw new IllegalStateException("a bug");
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && loop.notReadyReason() == null);
    assertThat(first.closed()).isTrue();
    record(loop, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
  }

  @Test
  void anErrorOnTheThreadMakesTheLoopNotReadyAndItRecovers() {
    TestLoop loop = started();

    loop.current().schedulePollTask(() -> {
      throw new AssertionError("an Error, not an Exception");
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && loop.notReadyReason() == null);
    assertThat(loop.crashLooping()).isFalse();
  }

  @Test
  void aLoopThatCrashesWithoutEverGettingReadyIsUnhealthy() {
    // given consumers whose set-up always throws something unexpected
    loop =
        new TestLoop() {
          @Override
          protected String setUp() {
            throw new IllegalStateException("cannot even start");
          }
        };

    loop.start();

    await().atMost(Duration.ofSeconds(20)).until(loop::crashLooping);
    assertThat(loop.notReadyReason()).contains("restarting after").contains("cannot even start");
    assertThat(loop.unhealthyReason())
        .isEqualTo("test-loop keeps crashing: test-loop restarting after: java.lang.IllegalStateException: cannot even start");
  }

  @Test
  void notReadyReasonsThatAlternateAreEachLoggedOnceAtError() {
    // given a cluster that cannot be reached, and says so in two ways by turns, six times
    String noAnswer = "cannot reach Kafka: no answer from the cluster in 5 s";
    String noNode = "cannot reach Kafka: Timed out waiting for a node assignment. Call: listTopics";
    AtomicInteger attempts = new AtomicInteger();
    loop =
        new TestLoop() {
          @Override
          protected String setUp() {
            int attempt = attempts.incrementAndGet();
            return attempt <= 6 ? (attempt % 2 == 1 ? noAnswer : noNode) : super.setUp();
          }
        };
    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8)); // slf4j-simple's
    try {
      loop.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReason() == null && afterPolls.get() > 0);
    } finally {
      System.setErr(original);
    }

    // then each reason is one ERROR line, and one INFO line says the loop got going, with the last reason
    List<String> errors = stderr.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(line -> line.contains("Gateway not ready, retrying")).toList();
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0)).endsWith(noAnswer);
    assertThat(errors.get(1)).endsWith(noNode);
    assertThat(stderr.toString(java.nio.charset.StandardCharsets.UTF_8))
        .containsPattern("Consumer set up after \\d+ s of retries thread=test-loop \\(the last reason was: "
            + java.util.regex.Pattern.quote(noNode) + "\\)");
  }

  @Test
  void aLoopWhoseSetUpIsRefusedForGoodIsUnhealthyAndSaysWhy() {
    // given a set-up that cannot work, after a crash (a bug) on the first attempt
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    loop =
        new TestLoop() {
          @Override
          protected String setUp() {
            if (attempts.incrementAndGet() == 1) {
              throw new IllegalStateException("a bug");
            }
            throw new SetupRefused("instance 3 of 2");
          }
        };

    loop.start();

    // then the thread ends, and /health names the refusal, not the crash before it
    await().atMost(Duration.ofSeconds(20)).until(loop::crashLooping);
    assertThat(loop.refusal()).isEqualTo("instance 3 of 2");
    assertThat(loop.unhealthyReason()).isEqualTo("test-loop keeps crashing: instance 3 of 2");
  }

  @Test
  void aHandlerExceptionSkipsTheRecordAndTheLoopGoesOn() {
    TestLoop loop = started();
    handled.clear();
    loop.current().schedulePollTask(() -> {
      loop.current().addRecord(new ConsumerRecord<>("replies", 0, 0, null, null)); // the handler below throws on it
      loop.current().addRecord(new ConsumerRecord<>("replies", 0, 1, null, new byte[] {2}));
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    assertThat(handled.get(0).offset()).isEqualTo(1);
    assertThat(made).hasSize(1);
  }

  static Stream<Supplier<Throwable>> handlerErrors() {
    return Stream.of(
        () -> new AssertionError("an assertion in the handler"),
        () -> new StackOverflowError(),
        () -> new NoClassDefFoundError("a class the handler needs"));
  }

  /**
   * An Error from one record's handler replaces the consumer, but what the old one commits as it closes (its
   * position) covers only what was handled and the record that threw: the next consumer reads the rest.
   */
  @ParameterizedTest
  @MethodSource("handlerErrors")
  void aHandlerErrorReplacesTheConsumerWithoutPassingTheRestOfTheBatch(Supplier<Throwable> error) {
    handlerFailure = error;
    TestLoop loop = started();
    MockConsumer<byte[], byte[]> first = loop.current();
    handled.clear();
    first.schedulePollTask(() -> {
      first.addRecord(new ConsumerRecord<>("replies", 0, 0, null, new byte[] {1}));
      first.addRecord(new ConsumerRecord<>("replies", 0, 1, null, null)); // the handler throws on it
      first.addRecord(new ConsumerRecord<>("replies", 0, 2, null, new byte[] {2}));
      first.addRecord(new ConsumerRecord<>("replies", 0, 3, null, new byte[] {3}));
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && loop.notReadyReason() == null);
    assertThat(handled).extracting(ConsumerRecord::offset).containsExactly(0L);
    assertThat(positionsAtClose).as("where a commit at close would start the next consumer").containsExactly(2L);
  }

  @Test
  void aHandlerErrorLeavesThePartitionsOfTheBatchNotYetHandledWhereTheyWere() {
    handlerFailure = () -> new AssertionError("a bug in the handler");
    Map<TopicPartition, Long> closedAt = new java.util.concurrent.ConcurrentHashMap<>();
    loop =
        new TestLoop() {
          @Override
          protected String setUp() {
            consumer.assign(List.of(PARTITION, OTHER_PARTITION));
            ready();
            return null;
          }

          @Override
          protected void beforeClose() {
            if (consumer.assignment().contains(OTHER_PARTITION) && closedAt.isEmpty()) {
              closedAt.put(OTHER_PARTITION, consumer.position(OTHER_PARTITION));
              closedAt.put(PARTITION, consumer.position(PARTITION));
            }
          }
        };
    loop.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReason() == null && afterPolls.get() > 0);
    MockConsumer<byte[], byte[]> first = loop.current();
    handled.clear();
    first.schedulePollTask(() -> {
      for (TopicPartition partition : List.of(PARTITION, OTHER_PARTITION)) {
        first.addRecord(new ConsumerRecord<>("replies", partition.partition(), 0, null, new byte[] {1}));
        first.addRecord(new ConsumerRecord<>("replies", partition.partition(), 1, null, null)); // the handler throws
        first.addRecord(new ConsumerRecord<>("replies", partition.partition(), 2, null, new byte[] {2}));
      }
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && closedAt.size() == 2);
    // whichever partition the batch handed over first threw at its offset 1; the other was not started
    TopicPartition threw = new TopicPartition("replies", handled.get(0).partition());
    TopicPartition notStarted = threw.equals(PARTITION) ? OTHER_PARTITION : PARTITION;
    assertThat(handled).extracting(ConsumerRecord::partition, ConsumerRecord::offset).containsExactly(tuple(threw.partition(), 0L));
    assertThat(closedAt).containsEntry(threw, 2L).containsEntry(notStarted, 0L);
  }

  @Test
  void closingStopsTheThreadAndClosesTheConsumer() {
    TestLoop loop = started();
    MockConsumer<byte[], byte[]> consumer = loop.current();

    loop.close();

    assertThat(consumer.closed()).isTrue();
    assertThat(loop.crashLooping()).isFalse();
  }

  @Test
  void theLastCommitBeforeClosingStillHasItsConsumer() {
    // a clean-up that commits, as the reply consumer's does on close (and its revoke callback during it)
    java.util.concurrent.atomic.AtomicBoolean hadConsumer = new java.util.concurrent.atomic.AtomicBoolean();
    loop =
        new TestLoop() {
          @Override
          protected void beforeClose() {
            hadConsumer.set(consumer != null);
            consumer.commitSync(Duration.ofSeconds(1));
          }
        };
    loop.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReason() == null);

    loop.close();

    assertThat(hadConsumer).isTrue();
  }

  @Test
  void aWakeUpThatIsNotClosesIsNotTakenForAClose() {
    // given a ready loop
    TestLoop started = started();

    // when its consumer is woken, again and again, though nobody closes the loop (Kafka then throws
    // WakeupException from the next call, in a poll or after it)
    for (int i = 0; i < 20; i++) {
      started.current().wakeup();
    }
    record(started, 0);

    // then the loop goes on with the same consumer and handles what comes
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    assertThat(made).hasSize(1);
    assertThat(loop.notReadyReason()).isNull();
  }
}
