package io.courier.gateway.kafka;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands request records to the one shared producer without ever blocking the caller.
 *
 * <p>{@code Producer.send} blocks for up to {@code max.block.ms} while it fetches metadata or waits for
 * buffer space, so event loops never call it: they enqueue on a bounded queue drained by one thread,
 * {@code courier-publisher}. A full queue is an overload, answered with 503 by the caller.
 *
 * <p>Thread-safe.
 */
public final class RequestPublisher implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final ExecutorService sender;

  public RequestPublisher(Producer<byte[], byte[]> producer, int queueCapacity) {
    this.producer = producer;
    this.sender =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            runnable -> {
              Thread thread = new Thread(runnable, "courier-publisher");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Queues a record for sending; {@code callback} runs on the producer's I/O thread once Kafka answers, or
   * on the publisher thread if {@code send} itself fails.
   *
   * @return {@code false} if the queue is full or the publisher is closed: nothing was queued
   */
  public boolean publish(ProducerRecord<byte[], byte[]> record, Callback callback) {
    try {
      sender.execute(() -> send(record, callback));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    try {
      producer.send(record, callback);
    } catch (RuntimeException e) {
      // send() throws for failures detected before the record is queued (metadata timeout, serialisation).
      callback.onCompletion(null, e);
    }
  }

  /** Sends what is queued, flushes the producer and closes it. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
        LOGGER.warn("Publisher queue not drained in 10 s; dropping the rest");
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
