package io.courier.gateway.kafka;

import io.courier.gateway.error.ProduceFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records to the one shared producer without ever blocking the caller, and without letting one topic's
 * trouble hold up another's.
 *
 * <p>{@code Producer.send} would block for up to {@code max.block.ms} while it fetches metadata (a topic
 * deleted or not yet created) or waits for buffer space. The gateway's producer therefore runs with {@code
 * max.block.ms=0} ({@link KafkaClients#producer}): its {@code send} either takes the record at once or refuses
 * at once, reporting a Kafka {@link TimeoutException} to the callback while still inside {@code send} (and
 * asking for the metadata meanwhile). So the caller (an event loop; the reply consumer for forwards; the
 * producer's I/O thread for what a callback publishes, cancel markers and results) sends itself, and only
 * a record {@code send} refused goes to a <em>lane</em>: a bounded queue and a thread that tries again, with
 * a short backoff, for as long as a blocking {@code send} would have waited ({@code kafka.producer.max.block.ms},
 * {@code sendWait} here) or until the request's deadline. This takes the hand-off to another thread, and its
 * wake-up, off every request while Kafka keeps up (docs/benchmarks.md, "Are the hand-offs batched?").
 *
 * <p>There is one lane per request topic ({@code courier-publisher-<topic>}), one for the forwards of replies
 * between instances ({@code courier-publisher-forwards}) and one for the results topic ({@code
 * courier-publisher-results}): a topic whose sends are refused fills only its own queue, so only its own routes
 * are refused (503), and a burst of requests never fills the queue of the forwards other instances' callers
 * wait for.
 * A full queue is an overload, answered with 503 by the caller. While a lane holds records, later records of
 * its kind go behind them rather than past them, so the records of one topic reach the producer in the order
 * each thread published them.
 *
 * <p>A request whose deadline has passed while it waited in its lane is not sent: its caller has been
 * answered already, and a service that ignores deadlines would do work nobody waits for.
 *
 * <p>Each callback runs at most once (never when {@code publish} returned {@code false}): on the producer's I/O
 * thread, or on the lane's thread when the record could not be sent; never inside {@code publish}, so never on an
 * event loop. The producer buffer ({@code buffer.memory}) is shared: while it is full, every topic's records that
 * need a new batch are refused and queue on their lanes, forwards and results included. Thread-safe.
 */
public final class RequestPublisher implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestPublisher.class);
  /** The lanes' keys beside the request topics': a colon is never in a topic's name, so no topic takes them. */
  static final String FORWARDS = ":forwards";
  static final String RESULTS = ":results";
  /** The lane's first pause between tries of a refused send; it doubles up to {@link #MAX_BACKOFF_NANOS}. */
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** A request whose deadline passed before it could be sent; it never reached Kafka. */
  public static final class DeadlinePassedException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    DeadlinePassedException() {
      super("the request's deadline passed before it could be sent; not sent", null);
    }
  }

  private final Producer<byte[], byte[]> producer;
  private final long sendWaitNanos;
  private final Clock clock;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private volatile boolean closed;

  /** A lane's thread and queue, and how many records it holds (queued, or in its hands). */
  private record Lane(ThreadPoolExecutor thread, AtomicInteger held) {}

  /**
   * @param producer a producer whose {@code send} never blocks ({@code max.block.ms=0}): the caller's thread
   *     calls it
   * @param requestTopics the topics requests go to: one lane each; a record for another topic is refused
   * @param queueCapacity the records each lane may hold waiting for its thread
   * @param sendWait how long a lane tries again a send the producer refused for missing metadata or buffer space
   *     ({@code kafka.producer.max.block.ms}) before reporting Kafka's refusal
   */
  public RequestPublisher(
      Producer<byte[], byte[]> producer, Collection<String> requestTopics, int queueCapacity, Duration sendWait, Clock clock) {
    this.producer = producer;
    this.sendWaitNanos = TimeUnit.MILLISECONDS.toNanos(sendWait.toMillis()); // at most Long.MAX_VALUE: "wait for ever"
    this.clock = clock;
    for (String topic : requestTopics) {
      lanes.put(topic, lane("courier-publisher-" + topic, queueCapacity));
    }
    lanes.put(FORWARDS, lane("courier-publisher-forwards", queueCapacity));
    lanes.put(RESULTS, lane("courier-publisher-results", queueCapacity));
  }

  private static Lane lane(String threadName, int capacity) {
    ThreadPoolExecutor thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(capacity),
            runnable -> {
              Thread lane = new Thread(runnable, threadName);
              lane.setDaemon(true);
              return lane;
            },
            new ThreadPoolExecutor.AbortPolicy());
    return new Lane(thread, new AtomicInteger());
  }

  /**
   * Sends a request record now, or queues it on its topic's lane if the producer cannot take it at once;
   * {@code callback} runs once: on the producer's I/O thread once Kafka answers, or on the lane's thread if the
   * record could not be sent or its deadline passed first ({@link DeadlinePassedException}).
   *
   * @return {@code false} if the lane's queue is full, the topic has no lane, or the publisher is closed:
   *     nothing was sent or queued, and {@code callback} never runs
   */
  public boolean publish(ProducerRecord<byte[], byte[]> record, Instant deadline, Callback callback) {
    Lane lane = lanes.get(record.topic());
    return lane != null && offer(lane, record, deadline, callback);
  }

  /** Sends or queues a forward of a reply to another instance on the forwards lane; as {@link #publish}, no deadline. */
  public boolean forward(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return offer(lanes.get(FORWARDS), record, null, callback);
  }

  /** Sends or queues a record of the results topic on the results lane; as {@link #publish}, no deadline. */
  public boolean result(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return offer(lanes.get(RESULTS), record, null, callback);
  }

  private boolean offer(Lane lane, ProducerRecord<byte[], byte[]> record, Instant deadline, Callback callback) {
    if (closed) {
      return false;
    }
    Attempt attempt = new Attempt(record, callback);
    if (lane.held().get() == 0 && attempt.sendOnce() == null) {
      return true; // taken by the producer on this thread
    }
    lane.held().incrementAndGet();
    try {
      lane.thread().execute(() -> {
        try {
          sendWaiting(attempt, deadline);
        } finally {
          lane.held().decrementAndGet();
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      lane.held().decrementAndGet();
      // The caller hears "not sent": a batch Kafka fails later (send threw after the record joined it, while other
      // threads filled the queue) must not answer it again.
      attempt.abandon();
      return false;
    }
  }

  /**
   * The lane's send: tries again while the producer refuses for want of metadata or buffer space, as a blocking
   * {@code send} would have waited, and reports the refusal once {@code sendWait} or the deadline has passed.
   * What waiting cannot mend is reported at once, without another try: a refusal other than a time-out (a record
   * too large, say), a time-out whose cause Kafka calls final (the topic's metadata came back with an
   * authorization error: {@link ProduceFailures#decisive}), and anything {@code send} threw (the record may be in
   * a batch already, which Kafka then fails).
   */
  private void sendWaiting(Attempt attempt, Instant deadline) {
    long giveUp = System.nanoTime() + sendWaitNanos;
    long backoff = FIRST_BACKOFF_NANOS;
    Exception refused = attempt.refused; // the publishing thread's, if it tried
    while (refused == null || waitable(attempt, refused)) {
      if (refused != null) {
        long left = giveUp - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.sleep(Math.min(backoff, left));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // closing without waiting: report what Kafka said
          break;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
      if (deadline != null && !clock.instant().isBefore(deadline)) {
        attempt.deliver(null, new DeadlinePassedException());
        return;
      }
      refused = attempt.sendOnce();
      if (refused == null) {
        return;
      }
    }
    attempt.deliver(null, refused);
  }

  /** Whether waiting may mend {@code refused}: a time-out, for want of metadata or buffer space, and nothing worse. */
  private static boolean waitable(Attempt attempt, Exception refused) {
    return attempt.thrown == null && refused instanceof TimeoutException && ProduceFailures.decisive(refused) == refused;
  }

  /**
   * One record on its way to the producer, and its callback, which it runs at most once. A failure Kafka reports
   * on the sending thread before {@code send} returns is a refusal, kept for the sender; anything else (the
   * outcome, from the I/O thread) goes to the callback. A success reported on the sending thread (test producers
   * complete at once) goes to it too.
   */
  private final class Attempt extends AtomicBoolean implements Callback {
    private static final long serialVersionUID = 1L;
    private final transient ProducerRecord<byte[], byte[]> record;
    private final transient Callback callback;
    /**
     * The thread inside {@code send} for this record now, else {@code null}. Only that thread finds itself here:
     * another thread (the I/O thread completing the record) may read a stale value, never its own.
     */
    private transient volatile Thread sending;
    /** What the last {@code send} refused with; the sending thread's. */
    private transient Exception refused;
    /** What a {@code send} threw; set once, by the sending thread, and final for the record. */
    private transient Exception thrown;

    Attempt(ProducerRecord<byte[], byte[]> record, Callback callback) {
      this.record = record;
      this.callback = callback;
    }

    /** One {@code send} on this thread: {@code null} if the producer took the record, else why it did not. */
    Exception sendOnce() {
      refused = null;
      sending = Thread.currentThread();
      try {
        producer.send(record, this);
      } catch (RuntimeException e) {
        // Failures other than Kafka's own errors: serialisation, a closed producer, a fatal producer state.
        thrown = e;
        refused = e;
      } finally {
        sending = null;
      }
      return refused;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null && sending == Thread.currentThread()) {
        refused = exception;
      } else {
        deliver(metadata, exception);
      }
    }

    /** The callback must not run: the publisher reported the record as not taken. */
    void abandon() {
      set(true);
    }

    void deliver(RecordMetadata metadata, Exception exception) {
      if (compareAndSet(false, true)) {
        callback.onCompletion(metadata, exception);
      }
    }
  }

  /** Records waiting in the lane of {@code topic} (a request topic, or {@link #FORWARDS}). */
  int queued(String topic) {
    Lane lane = lanes.get(topic);
    return lane == null ? 0 : lane.thread().getQueue().size();
  }

  /** Sends what is queued (up to 10 s), flushes the producer and closes it. */
  @Override
  public void close() {
    closed = true;
    lanes.values().forEach(lane -> lane.thread().shutdown());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Map.Entry<String, Lane> lane : lanes.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!lane.getValue().thread().awaitTermination(left, TimeUnit.NANOSECONDS)) {
          LOGGER.warn("Publisher lane not drained in 10 s; dropping the rest lane={}", lane.getKey());
          lane.getValue().thread().shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.close(Duration.ofSeconds(10));
  }
}
