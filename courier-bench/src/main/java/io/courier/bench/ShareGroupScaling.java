package io.courier.bench;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.GroupType;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The docs/scaling.md row "consumer group or share group": throughput of a service whose handler blocks
 * for {@value #HANDLER_MILLIS} ms, on a request topic of 3 partitions, with 3 and with 6 responders, in
 * each mode, in one run on one embedded broker. Each case drains a backlog of {@value #REQUESTS} requests
 * written before the responders start (so every instance has work from the first moment) and reports
 * requests answered per second from the first reply to the last (joining the group is not counted).
 * Relative figures only: the same machine, broker and handler for all four.
 *
 * <p>{@code java -cp courier-cli/target/courier.jar io.courier.bench.ShareGroupScaling}
 */
public final class ShareGroupScaling {
  static final int HANDLER_MILLIS = 20;
  static final int REQUESTS = 900;
  private static final int PARTITIONS = 3;

  private ShareGroupScaling() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      StringBuilder table = new StringBuilder(
          "| mode | responders | answered | seconds (first to last reply) | requests/s |\n|---|---|---|---|---|\n");
      int run = 0;
      for (GroupType mode : GroupType.values()) {
        for (int responders : new int[] {3, 6}) {
          double seconds = drain(kafka, "scaling-" + (++run), mode, responders);
          table.append(String.format("| %s group | %d | %d | %.1f | %.0f |%n",
              mode.name().toLowerCase(), responders, REQUESTS, seconds, (REQUESTS - 1) / seconds));
        }
      }
      System.out.println("Slow handler (" + HANDLER_MILLIS + " ms, synchronous), " + PARTITIONS + " partitions, "
          + REQUESTS + " requests:\n" + table);
    }
  }

  /** Seconds from the first reply of the backlog to the last. */
  private static double drain(EmbeddedKafka kafka, String name, GroupType mode, int count) throws Exception {
    String requests = name + ".requests";
    String replies = name + ".replies";
    kafka.createTopic(requests, PARTITIONS);
    kafka.createTopic(replies, 1);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new ByteArrayDeserializer())) {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
      for (int i = 0; i < REQUESTS; i++) {
        RequestEnvelope request = RequestEnvelope.builder().profile(Profile.COURIER).correlationId(name + "-" + i)
            .replyTopic(replies).replyPartition(0).deadline(deadline).route("work").method("POST").path("/work").build();
        producer.send(new ProducerRecord<>(requests, null, "key-" + i, new byte[0], request.toHeaders()));
      }
      producer.flush();
      reader.assign(List.of(new TopicPartition(replies, 0)));
      List<Responder> started = new ArrayList<>();
      try {
        IntStream.range(0, count).forEach(i -> started.add(Responder.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic(requests)
            .groupId(name)
            .groupType(mode)
            .maxInFlight(1)
            .syncHandler(request -> {
              try {
                Thread.sleep(HANDLER_MILLIS); // the slow handler: blocking work, one at a time per instance
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Reply.status(204);
            })
            .build()
            .start()));
        int answered = 0;
        long first = 0;
        while (answered < REQUESTS) {
          int read = reader.poll(Duration.ofMillis(20)).count();
          if (answered == 0 && read > 0) {
            first = System.nanoTime();
          }
          answered += read;
        }
        return (System.nanoTime() - first) / 1e9;
      } finally {
        started.forEach(Responder::close);
      }
    }
  }
}
