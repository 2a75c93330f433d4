package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on its own named thread: sets itself up (retrying every second while Kafka is unreachable or
 * a topic is missing, and saying why in {@link #notReadyReason()}), then polls until closed and hands every
 * record to a handler. A handler exception is logged and the loop goes on: one bad record must never stop
 * the replies of every other request. The handler runs on the consumer thread and must not block.
 *
 * <p>Thread-safe: the Kafka consumer itself is confined to the loop's thread.
 */
abstract class ConsumerLoop implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  /** Set-up found a mistake that retrying cannot fix; the loop stops and stays not ready. */
  static final class SetupRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SetupRefused(String message) {
      super(message);
    }
  }

  protected final KafkaConsumer<byte[], byte[]> consumer;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final RecordBatchListener batches;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile String notReadyReason = "starting";
  private volatile String refusal;
  /** Completes when first positioned; fails with the refusal if set-up is refused for good. */
  private final CompletableFuture<Void> positioned = new CompletableFuture<>();

  ConsumerLoop(
      String threadName,
      KafkaConsumer<byte[], byte[]> consumer,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      RecordBatchListener batches) {
    this.consumer = consumer;
    this.handler = handler;
    this.batches = batches;
    this.thread = new Thread(this::run, threadName);
  }

  final void start() {
    thread.start();
  }

  /** {@code null} once positioned; otherwise what the loop waits for. */
  final String notReadyReason() {
    return notReadyReason;
  }

  /** Why set-up was refused for good, or {@code null}. */
  final String refusal() {
    return refusal;
  }

  final boolean closing() {
    return closing.getCount() == 0;
  }

  /** Completes the first time the loop is positioned; fails if its set-up is refused for good. */
  final CompletableFuture<Void> positioned() {
    return positioned;
  }

  protected final void ready() {
    notReadyReason = null;
    positioned.complete(null);
  }

  protected final void notReady(String reason) {
    notReadyReason = reason;
  }

  /**
   * One attempt at setting up (subscribe or assign, seek, position).
   *
   * @return {@code null} when done, else why not yet (the loop retries)
   * @throws SetupRefused when retrying cannot help
   */
  protected abstract String setUp();

  /** After each poll, on the loop thread; e.g. commit. */
  protected void afterPoll(ConsumerRecords<byte[], byte[]> records) {}

  /** Before the consumer closes, on the loop thread; e.g. a last commit. */
  protected void beforeClose() {}

  private void run() {
    try {
      if (setUpUntilDone()) {
        pollUntilClosed();
      }
    } catch (WakeupException e) {
      // closing
    } catch (SetupRefused e) {
      refusal = e.getMessage();
      notReadyReason = e.getMessage();
      positioned.completeExceptionally(e);
      LOGGER.error("Gateway cannot start: {}", e.getMessage());
    } catch (RuntimeException e) {
      notReadyReason = thread.getName() + " stopped: " + e;
      LOGGER.error("Consumer loop stopped thread={}", thread.getName(), e);
    } finally {
      try {
        beforeClose();
      } catch (RuntimeException e) {
        LOGGER.warn("Consumer loop clean-up failed thread={}", thread.getName(), e);
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean setUpUntilDone() {
    String lastLogged = null;
    while (!closing()) {
      String problem;
      try {
        problem = setUp();
      } catch (WakeupException | SetupRefused e) {
        throw e;
      } catch (KafkaException e) {
        problem = "cannot reach Kafka: " + e.getMessage();
      }
      if (problem == null) {
        return true;
      }
      notReadyReason = problem;
      if (!problem.equals(lastLogged)) {
        LOGGER.error("Gateway not ready, retrying every {} s: {}", RETRY_PAUSE.toSeconds(), problem);
        lastLogged = problem;
      }
      try {
        closing.await(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void pollUntilClosed() {
    while (!closing()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
      if (!records.isEmpty()) {
        batches.batchStarted();
        try {
          for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record);
          }
        } finally {
          batches.batchEnded();
        }
      }
      afterPoll(records);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    try {
      handler.accept(record);
    } catch (RuntimeException e) {
      LOGGER.warn("Record handler failed thread={} partition={} offset={}", thread.getName(), record.partition(), record.offset(), e);
    }
  }

  /** Stops polling, runs {@link #beforeClose()}, closes the consumer (leaving its group) and waits for the thread. */
  @Override
  public void close() {
    closing.countDown();
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
