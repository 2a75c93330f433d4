package io.courier.gateway.kafka;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records to the one shared producer without ever blocking the caller, and without letting one topic's
 * trouble hold up another's.
 *
 * <p>{@code Producer.send} blocks for up to {@code max.block.ms} while it fetches metadata (a topic deleted
 * or not yet created) or waits for buffer space, so event loops never call it: they enqueue on a bounded
 * queue drained by a sender thread. There is one such <em>lane</em>, with its own queue and thread, per
 * request topic ({@code courier-publisher-<topic>}), and one for the forwards of replies between instances
 * ({@code courier-publisher-forwards}) and one for the results topic ({@code courier-publisher-results}): a
 * topic whose sends block fills only its own queue, so only its own
 * routes are refused (503), and a burst of requests never crowds out the forwards other instances' callers
 * wait for. A full queue is an overload, answered with 503 by the caller.
 *
 * <p>A request whose deadline has passed while it waited in its lane is not sent: its caller has been
 * answered already, and a service that ignores deadlines would do work nobody waits for.
 *
 * <p>Thread-safe.
 */
public final class RequestPublisher implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestPublisher.class);
  static final String FORWARDS = "forwards";
  static final String RESULTS = "results";

  /** A request whose deadline passed before it could be sent; it never reached Kafka. */
  public static final class DeadlinePassedException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlinePassedException() {
      super("the request's deadline passed before it could be sent; not sent", null);
    }
  }

  private final Producer<byte[], byte[]> producer;
  private final Clock clock;
  private final Map<String, ThreadPoolExecutor> lanes = new LinkedHashMap<>();

  /**
   * @param requestTopics the topics requests go to: one lane each; a record for another topic is refused
   * @param queueCapacity the records each lane may hold waiting for its thread
   */
  public RequestPublisher(Producer<byte[], byte[]> producer, Collection<String> requestTopics, int queueCapacity, Clock clock) {
    this.producer = producer;
    this.clock = clock;
    for (String topic : requestTopics) {
      lanes.put(topic, lane("courier-publisher-" + topic, queueCapacity));
    }
    lanes.put(FORWARDS, lane("courier-publisher-" + FORWARDS, queueCapacity));
    lanes.put(RESULTS, lane("courier-publisher-" + RESULTS, queueCapacity));
  }

  private static ThreadPoolExecutor lane(String threadName, int capacity) {
    return new ThreadPoolExecutor(
        1,
        1,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(capacity),
        runnable -> {
          Thread thread = new Thread(runnable, threadName);
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Queues a request record on its topic's lane; {@code callback} runs on the producer's I/O thread once
   * Kafka answers, or on the lane's thread if {@code send} itself fails or the deadline passed first
   * ({@link DeadlinePassedException}).
   *
   * @return {@code false} if the lane's queue is full, the topic has no lane, or the publisher is closed:
   *     nothing was queued
   */
  public boolean publish(ProducerRecord<byte[], byte[]> record, Instant deadline, Callback callback) {
    ThreadPoolExecutor lane = lanes.get(record.topic());
    return lane != null && submit(lane, () -> {
      if (!clock.instant().isBefore(deadline)) {
        callback.onCompletion(null, new DeadlinePassedException());
      } else {
        send(record, callback);
      }
    });
  }

  /** Queues a forward of a reply to another instance on the forwards lane; as {@link #publish}, no deadline. */
  public boolean forward(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return submit(lanes.get(FORWARDS), () -> send(record, callback));
  }

  /** Queues a record of the results topic on the results lane; as {@link #publish}, no deadline. */
  public boolean result(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return submit(lanes.get(RESULTS), () -> send(record, callback));
  }

  private static boolean submit(ThreadPoolExecutor lane, Runnable task) {
    try {
      lane.execute(task);
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

  /** Records waiting in the lane of {@code topic} (a request topic, or {@code "forwards"}). */
  int queued(String topic) {
    ThreadPoolExecutor lane = lanes.get(topic);
    return lane == null ? 0 : lane.getQueue().size();
  }

  /** Sends what is queued (up to 10 s), flushes the producer and closes it. */
  @Override
  public void close() {
    lanes.values().forEach(ThreadPoolExecutor::shutdown);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Map.Entry<String, ThreadPoolExecutor> lane : lanes.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!lane.getValue().awaitTermination(left, TimeUnit.NANOSECONDS)) {
          LOGGER.warn("Publisher lane not drained in 10 s; dropping the rest lane={}", lane.getKey());
          lane.getValue().shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
