package io.courier.examples.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.examples.orders.Order;
import io.courier.examples.orders.OrderStatus;
import io.courier.examples.orders.OrdersService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order-validation service (capability C8's demo, after Confluent's microservices example): reads the
 * orders service's events, the {@value OrdersService#STATE_TOPIC} topic, and for each order {@code CREATED}
 * runs {@link OrderChecks} and writes the order again, keyed by its id, as {@code VALIDATED} or as {@code
 * FAILED} with a {@code reason}. A gateway route with a {@code state} block answers the caller when that
 * record comes.
 *
 * <p>A plain consumer (group {@value #GROUP}) and producer, no responder: nobody asks it anything, it
 * reacts to events. At least once: offsets are committed once the verdicts of a poll are acknowledged, so
 * a crash may validate an order twice (the same verdict, but the stock is held in memory only and starts
 * full again after a restart: a demo's warehouse). The orders service reads {@value
 * OrdersService#STATE_TOPIC} only when it starts, so its own {@code GET /orders/{id}} shows the new status
 * after a restart; the gateway reads the topic as it changes.
 *
 * <p>Thread-safe: its work runs on its own thread, {@code order-validation}.
 */
public final class OrderValidationService implements AutoCloseable {
  public static final String GROUP = "order-validation";
  private static final Logger LOGGER = LoggerFactory.getLogger(OrderValidationService.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String STATUS = "status";

  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> producer;
  private final OrderChecks checks;
  private final Thread thread;
  private volatile boolean assigned;
  private volatile boolean closing;

  private OrderValidationService(String bootstrapServers, OrderChecks checks) {
    this.checks = checks;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, GROUP,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer());
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), new StringSerializer());
    this.thread = new Thread(this::run, "order-validation");
  }

  /** Starts validating the orders of {@value OrdersService#STATE_TOPIC} (which must exist) with {@code checks}. */
  public static OrderValidationService start(String bootstrapServers, OrderChecks checks) {
    OrderValidationService service = new OrderValidationService(bootstrapServers, checks);
    service.thread.start();
    LOGGER.info("Service started service=order-validation topic={}", OrdersService.STATE_TOPIC);
    return service;
  }

  /** Whether it has its partitions and validates. */
  public boolean isRunning() {
    return assigned && thread.isAlive();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(OrdersService.STATE_TOPIC));
      while (!closing) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        assigned = !consumer.assignment().isEmpty();
        List<Future<RecordMetadata>> verdicts = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
          ProducerRecord<String, String> verdict = verdictOf(checks, record);
          if (verdict != null) {
            verdicts.add(producer.send(verdict));
          }
        }
        for (Future<RecordMetadata> verdict : verdicts) {
          verdict.get(30, TimeUnit.SECONDS); // committed only once every verdict is in Kafka: at least once
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Exception e) {
      LOGGER.error("Order validation stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** The record of {@code checks}' verdict on a {@code CREATED} order; {@code null} for any other record. */
  static ProducerRecord<String, String> verdictOf(OrderChecks checks, ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      JsonNode event = MAPPER.readTree(record.value());
      if (!OrderStatus.CREATED.name().equals(event.path(STATUS).asText())) {
        return null; // a verdict already (ours), or not an order
      }
      Order order = MAPPER.treeToValue(event, Order.class);
      String failure = checks.failure(order);
      ObjectNode judged = MAPPER.valueToTree(order);
      judged.put(STATUS, (failure == null ? OrderStatus.VALIDATED : OrderStatus.FAILED).name());
      if (failure != null) {
        judged.put("reason", failure);
      }
      LOGGER.debug("Order validated orderId={} status={}", order.id(), judged.get(STATUS).asText());
      return new ProducerRecord<>(OrdersService.STATE_TOPIC, record.key(), MAPPER.writeValueAsString(judged));
    } catch (IOException e) {
      LOGGER.warn("Skipped a record that is not an order topic={} offset={}", record.topic(), record.offset());
      return null;
    }
  }

  /** Stops validating and closes its clients. Idempotent. */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    LOGGER.info("Service stopped service=order-validation");
  }
}
