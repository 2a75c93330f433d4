package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One consumer reads the forward, results and state topics for their readings: each record reaches the reading
 * of its topic, each reading starts where it says and is caught up on its own, and a topic missing or named twice
 * is said. Kafka's {@link MockConsumer}, no broker; pauses of 1 ms instead of 1 s.
 */
class WholeTopicConsumerTest {
  private static final Node BROKER = new Node(0, "localhost", 9092);
  private static final TopicPartition FORWARD = new TopicPartition("responses.forwards", 0);
  private static final TopicPartition STATE_0 = new TopicPartition("orders.state", 0);
  private static final TopicPartition STATE_1 = new TopicPartition("orders.state", 1);

  private final List<MockConsumer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> forwarded = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> states = new CopyOnWriteArrayList<>();
  /** What the state topic holds now: its partitions' end offsets. */
  private volatile Map<TopicPartition, Long> stateEnds = Map.of(STATE_0, 2L, STATE_1, 0L);
  private volatile boolean stateTopicExists = true;
  private WholeTopicConsumer loop;

  /** Reads its topics from the beginning, as the state reading does. */
  private final class FromBeginning extends TopicReading {
    FromBeginning(String what, String topic) {
      this(what, topic, states::add);
    }

    FromBeginning(String what, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
      super(List.of(topic), what, handler);
    }

    @Override
    protected void seekToStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
      consumer.seekToBeginning(partitions);
    }
  }

  private final TopicReading forwards = new ForwardReading(FORWARD.topic(), forwarded::add);
  private final TopicReading state = new FromBeginning("state", STATE_0.topic());

  /** Whether each consumer made finds the state topic's two records (offsets 0 and 1 of partition 0) on its first poll. */
  private volatile boolean stateRecordsForEachConsumer;

  /** A partition whose position Kafka cannot tell without waiting (its leader moved), or {@code null}. */
  private volatile TopicPartition positionNotKnownAtOnce;

  private MockConsumer<byte[], byte[]> newConsumer() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
      @Override
      public synchronized long position(TopicPartition partition, Duration timeout) {
        if (timeout.isZero() && partition.equals(positionNotKnownAtOnce)) {
          throw new TimeoutException("Timeout of 0ms expired before the position for partition " + partition + " could be determined");
        }
        return super.position(partition, timeout);
      }
    };
    if (stateRecordsForEachConsumer) {
      for (long offset = 0; offset < 2; offset++) {
        long at = offset;
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(STATE_0.topic(), 0, at, null, new byte[] {1})));
      }
    }
    consumer.updatePartitions(FORWARD.topic(), List.of(partition(FORWARD)));
    if (stateTopicExists) {
      consumer.updatePartitions(STATE_0.topic(), List.of(partition(STATE_0), partition(STATE_1)));
    }
    consumer.updateBeginningOffsets(Map.of(FORWARD, 0L, STATE_0, 0L, STATE_1, 0L));
    consumer.updateEndOffsets(Map.of(FORWARD, 7L));
    consumer.updateEndOffsets(stateEnds);
    made.add(consumer);
    return consumer;
  }

  private static PartitionInfo partition(TopicPartition partition) {
    return new PartitionInfo(partition.topic(), partition.partition(), BROKER, new Node[] {BROKER}, new Node[] {BROKER});
  }

  private WholeTopicConsumer started(TopicReading... readings) {
    loop = new WholeTopicConsumer(this::newConsumer, List.of(readings), RecordBatchListener.NONE, Duration.ofMillis(1));
    loop.start();
    return loop;
  }

  /** Adds a record on the loop's thread, as a poll would find it. */
  private void record(TopicPartition partition, long offset) {
    MockConsumer<byte[], byte[]> consumer = made.get(made.size() - 1);
    consumer.schedulePollTask(
        () -> consumer.addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, new byte[] {1})));
  }

  @AfterEach
  void close() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void eachReadingStartsWhereItSaysAndIsCaughtUpOnItsOwn() {
    WholeTopicConsumer loop = started(forwards, state);

    // The forward topic is read from its end: caught up as soon as positioned. The state topic holds two
    // records from before start-up: not caught up until both are read.
    await().atMost(Duration.ofSeconds(10)).until(() -> forwards.notReadyReason() == null);
    assertThat(forwards.caughtUp()).isDone();
    assertThat(state.notReadyReason()).isEqualTo("reading the state topic orders.state");
    assertThat(loop.notReadyReasonOfAll()).isEqualTo("reading the state topic orders.state");
    assertThat(state.caughtUp()).isNotDone();

    record(STATE_0, 0);
    record(STATE_0, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReasonOfAll() == null);
    assertThat(state.caughtUp()).isDone();
    assertThat(states).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
    assertThat(forwarded).isEmpty();
  }

  @Test
  void eachRecordReachesTheReadingOfItsTopic() {
    stateEnds = Map.of(STATE_0, 0L, STATE_1, 0L);
    WholeTopicConsumer loop = started(forwards, state);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReasonOfAll() == null);

    record(FORWARD, 7);
    record(STATE_1, 0);
    record(FORWARD, 8);

    await().atMost(Duration.ofSeconds(10)).until(() -> forwarded.size() == 2 && states.size() == 1);
    assertThat(forwarded).extracting(ConsumerRecord::topic).containsOnly(FORWARD.topic());
    assertThat(states).extracting(ConsumerRecord::partition).containsExactly(1);
  }

  @Test
  void aMissingTopicIsSaidAndReadingStartsOnceItIsThere() {
    stateTopicExists = false;
    WholeTopicConsumer loop = started(forwards, state);

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() >= 1 && "state topic orders.state does not exist".equals(loop.notReadyReason()));
    assertThat(loop.notReadyReasonOfAll()).isEqualTo("state topic orders.state does not exist");
    assertThat(forwards.caughtUp()).isNotDone();

    // The set-up is retried with the same consumer, whose metadata now has the topic.
    MockConsumer<byte[], byte[]> consumer = made.get(0);
    consumer.updatePartitions(STATE_0.topic(), List.of(partition(STATE_0), partition(STATE_1)));
    stateTopicExists = true;
    await().atMost(Duration.ofSeconds(10)).until(() -> forwards.notReadyReason() == null);
    assertThat(loop.notReadyReasonOfAll()).isEqualTo("reading the state topic orders.state");
  }

  @Test
  void aRestartReadsAgainAndIsNotCaughtUpUntilItHasReadWhatTheTopicsHeld() {
    stateEnds = Map.of(STATE_0, 0L, STATE_1, 0L);
    WholeTopicConsumer loop = started(forwards, state);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReasonOfAll() == null);

    // the state topic grows, then the consumer crashes (a bug) and a new one is set up
    stateEnds = Map.of(STATE_0, 1L, STATE_1, 0L);
    MockConsumer<byte[], byte[]> first = made.get(0);
    first.schedulePollTask(() -> {
      throw new IllegalStateException("a bug");
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 2 && "reading the state topic orders.state".equals(loop.notReadyReasonOfAll()));
    assertThat(first.closed()).isTrue();
    record(STATE_0, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReasonOfAll() == null);
    assertThat(states).extracting(ConsumerRecord::offset).containsExactly(0L);
  }

  @Test
  void aConsumerThatCrashesOnEveryCatchUpFailsHealth() {
    // given a state topic whose records make the loop crash each time it reads them (an Error, as a bug would):
    // each new consumer sets up fine, then crashes before it has caught up
    stateRecordsForEachConsumer = true;
    TopicReading crashing = new FromBeginning("state", STATE_0.topic(), record -> {
      throw new AssertionError("a bug");
    });
    WholeTopicConsumer loop = started(forwards, crashing);

    // then setting up again does not count as recovering: after five crashes in a row /health says so
    await().atMost(Duration.ofSeconds(20)).until(loop::crashLooping);
    assertThat(loop.unhealthyReason())
        .isEqualTo("courier-whole-topics-consumer keeps crashing: courier-whole-topics-consumer restarting after: java.lang.AssertionError: a bug");
    assertThat(made).hasSizeGreaterThanOrEqualTo(ConsumerLoop.CRASHES_BEFORE_UNHEALTHY);
  }

  @Test
  void aPositionKafkaCannotTellAtOnceIsNotWaitedForButReadAfterTheNextPoll() {
    stateEnds = Map.of(STATE_0, 0L, STATE_1, 0L);
    // given the forward partition's position not known at once after a poll (its leader moved: the check of the
    // position waits behind the fetch the new leader holds)
    positionNotKnownAtOnce = FORWARD;
    WholeTopicConsumer loop = started(forwards, state);

    // then the loop neither waits nor crashes: that reading is not caught up yet, the others are
    await().atMost(Duration.ofSeconds(10)).until(() -> state.notReadyReason() == null);
    assertThat(loop.notReadyReasonOfAll()).isEqualTo("reading the forward topic responses.forwards");
    record(STATE_1, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> states.size() == 1);

    // and once Kafka knows it, the next poll reads it
    positionNotKnownAtOnce = null;
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.notReadyReasonOfAll() == null);
    assertThat(made).hasSize(1);
    assertThat(loop.crashLooping()).isFalse();
  }

  @Test
  void oneTopicCannotBeReadForTwoReadings() {
    TopicReading stateOnForwardTopic = new FromBeginning("state", FORWARD.topic());

    assertThatThrownBy(() -> new WholeTopicConsumer(this::newConsumer, List.of(forwards, stateOnForwardTopic), RecordBatchListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topic responses.forwards is both a forward topic and a state topic");
  }
}
