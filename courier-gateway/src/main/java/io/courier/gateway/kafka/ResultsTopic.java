package io.courier.gateway.kafka;

import io.courier.gateway.config.ResultsConfig;
import io.courier.gateway.results.ResultView;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The results topic as this instance reads it into its {@link ResultView} (ADR 0003; read by the {@link
 * WholeTopics} consumer), and what a lookup that missed waits for. Thread-safe.
 */
public final class ResultsTopic {
  private static final ListOffsetsOptions COMMITTED = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);

  private final Admin admin;
  private final String topic;
  private final ResultsReading reading;
  private final ResultsCatchUp catchUp;

  /** @param admin asks for the topic's end offsets when a lookup misses; shared, not closed here */
  public ResultsTopic(Admin admin, ResultsConfig results, ResultView view, Clock clock) {
    this.admin = admin;
    this.topic = results.topic();
    this.reading = new ResultsReading(results.topic(), view, results.retention(), clock);
    this.catchUp = new ResultsCatchUp(this::endOffsets, view);
  }

  /**
   * Completes once the view holds every record the topic had when this was called (its committed end offsets,
   * as a {@code read_committed} consumer sees them); fails if Kafka cannot say what they are (the admin client's
   * {@code default.api.timeout.ms}), the view does not get there within {@link ResultsCatchUp#GIVE_UP_AFTER}, or the
   * topic has not been set up yet. Never blocks; thread-safe; completes on one of the threads {@link ResultsCatchUp}
   * names, none of which blocks.
   *
   * <p>The end offsets are asked for by the admin client, not by the consumer reading the results topic: its own
   * connection is taken by its fetch, which the broker holds for up to {@code fetch.max.wait.ms} when there is
   * nothing new, and requests on one connection are answered in order. Asked there, every lookup that missed
   * waited for that fetch (about 0.45 s with Kafka's default 500 ms; a 503 with 5 s or more).
   */
  public CompletableFuture<Void> caughtUp() {
    return catchUp.caughtUp();
  }

  private KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> endOffsets() {
    int partitions = reading.partitionCount();
    if (partitions == 0) {
      throw new IllegalStateException("the results topic " + topic + " is not read yet");
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    return admin.listOffsets(latest, COMMITTED).all();
  }

  /** The results topic's partition count; 0 until known. */
  public int partitionCount() {
    return reading.partitionCount();
  }

  TopicReading reading() {
    return reading;
  }
}
