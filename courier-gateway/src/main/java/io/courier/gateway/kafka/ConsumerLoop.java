package io.courier.gateway.kafka;

import io.courier.gateway.error.RateLimitedLog;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on its own named thread that keeps itself going whatever Kafka does:
 *
 * <ul>
 *   <li><b>set-up</b> (subscribe or assign, position) is retried every second while Kafka is unreachable or a
 *       topic is missing, saying why in {@link #notReadyReason()};
 *   <li><b>a failing poll</b> (a {@link KafkaException}: a coordinator moving, an authorization error an ACL
 *       will fix, a broker that stalls) makes the loop not ready and is retried with a growing backoff (1 s
 *       to 30 s); the next poll that succeeds makes it ready again. After {@value #POLL_FAILURES_BEFORE_RESTART}
 *       failed polls in a row the consumer is replaced. That is not a crash: what fails the polls (an ACL,
 *       say) is outside the process, and a restart would not fix it;
 *   <li><b>anything else</b> (a bug, an {@link Error}) ends the consumer, not the thread: the loop logs it,
 *       closes the consumer, waits (1 s doubling to 30 s) and starts over with a new one. After {@value
 *       #CRASHES_BEFORE_UNHEALTHY} crashes without being ready in between, {@link #crashLooping()} is true,
 *       which fails {@code /health}.
 * </ul>
 *
 * A record handler's exception is logged and the loop goes on: one bad record must never stop the replies of
 * every other request. An {@link Error} from the handler crashes the loop as above, with the consumer's positions
 * moved back to just past the record that threw, so that a commit before it is replaced covers only what was
 * handled ({@link #handleAll}). The handler runs on the consumer thread and must not block.
 *
 * <p>Thread-safe: the Kafka consumer itself is confined to the loop's thread.
 */
abstract class ConsumerLoop implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConsumerLoop.class);
  static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /**
   * How long one poll waits for records. A poll returns as soon as records come, so this costs no latency; it
   * bounds how often an idle loop wakes (each wake of a classic consumer costs about 0.5 ms of CPU;
   * docs/benchmarks.md, idle CPU) and how late partitions assigned by a rebalance are positioned.
   */
  static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
  static final int POLL_FAILURES_BEFORE_RESTART = 10;
  /**
   * How long a consumer's close may take. Short, because what it waits for last is the end of the consumer's fetch
   * sessions, a request that queues behind any fetch the broker holds on that connection, for up to {@code
   * fetch.max.wait.ms} (5 s, {@link KafkaClients#FETCH_MAX_WAIT_MS}). Kafka's consumer gives up on it when the
   * time is up, which costs nothing (the broker evicts a session nobody uses). A group member has already sent
   * its leave in {@link #beforeClose()}; close waits for the answer within this time too, and the group has the
   * request either way.
   */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(100);
  static final int CRASHES_BEFORE_UNHEALTHY = 5;
  /** The distinct not-ready reasons one run of set-up retries remembers having logged (a reason may name a node). */
  static final int MAX_REASONS_LOGGED = 16;

  /** Set-up found a mistake that retrying cannot fix; the loop stops and stays not ready. */
  static final class SetupRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SetupRefused(String message) {
      super(message);
    }
  }

  /** Polls kept failing with Kafka's errors: a new consumer is tried, and the loop is no less healthy for it. */
  private static final class PollsKeepFailing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PollsKeepFailing(String message, KafkaException last) {
      super(message, last);
    }
  }

  private final Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final RecordBatchListener batches;
  private final Thread thread;
  private final RateLimitedLog warnings = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));
  private final CountDownLatch closing = new CountDownLatch(1);
  private final long retryPauseMillis;
  /** The consumer now; replaced after a crash. Written and used on the loop thread only (and by close's wakeup). */
  protected volatile org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private volatile String notReadyReason = "starting";
  private volatile String refusal;
  private volatile int crashesSinceReady;
  /** What the last crash (or the thread's end) left as the not-ready reason, for {@link #unhealthyReason()}. */
  private volatile String lastCrash;
  /** Completes when first positioned; fails with the refusal if set-up is refused for good. */
  private final CompletableFuture<Void> positioned = new CompletableFuture<>();

  /**
   * @param consumers makes a consumer; called once now (so that Kafka's refusal of a setting fails start-up)
   *     and again after each crash
   */
  ConsumerLoop(
      String threadName,
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      RecordBatchListener batches) {
    this(threadName, consumers, handler, batches, RETRY_PAUSE);
  }

  /**
   * @param retryPause the first pause before a retry or restart; it doubles up to 30 s
   */
  ConsumerLoop(
      String threadName,
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      RecordBatchListener batches,
      Duration retryPause) {
    this.retryPauseMillis = retryPause.toMillis();
    this.consumers = consumers;
    this.consumer = consumers.get();
    this.handler = handler;
    this.batches = batches;
    this.thread = new Thread(this::run, threadName);
  }

  final void start() {
    thread.start();
  }

  /** {@code null} once positioned and polling well; otherwise what the loop waits for. */
  final String notReadyReason() {
    return notReadyReason;
  }

  /** Why set-up was refused for good, or {@code null}. */
  final String refusal() {
    return refusal;
  }

  /**
   * Whether the loop keeps crashing without getting anywhere ({@value #CRASHES_BEFORE_UNHEALTHY} crashes in
   * a row without being ready), or its thread is gone although nobody closed it: a process that should be
   * restarted.
   */
  final boolean crashLooping() {
    return crashesSinceReady >= CRASHES_BEFORE_UNHEALTHY || (thread.getState() == Thread.State.TERMINATED && !closing());
  }

  /** {@code null} unless {@link #crashLooping()}; otherwise which loop keeps crashing, and why, for {@code /health}. */
  final String unhealthyReason() {
    return crashLooping() ? thread.getName() + " keeps crashing: " + (lastCrash != null ? lastCrash : notReadyReason) : null;
  }

  final boolean closing() {
    return closing.getCount() == 0;
  }

  /** Completes the first time the loop is positioned; fails if its set-up is refused for good. */
  final CompletableFuture<Void> positioned() {
    return positioned;
  }

  /** Positioned and polling well: the loop has a reason no more, and a run of crashes is broken. */
  protected final void ready() {
    notReadyReason = null;
    crashesSinceReady = 0;
    lastCrash = null;
    positioned.complete(null);
  }

  /**
   * Set up and polling, but not yet where a run of crashes counts as broken (a loop that must still catch up
   * calls {@link #ready()} once it has): clears the not-ready reason only.
   */
  protected final void polling() {
    notReadyReason = null;
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

  /** After each poll that did not fail, on the loop thread; e.g. position new partitions, commit. */
  protected void afterPoll(ConsumerRecords<byte[], byte[]> records) {}

  /** Before the consumer closes (at the end, or to be replaced after a crash), on the loop thread. */
  protected void beforeClose() {}

  private void run() {
    long backoff = retryPauseMillis;
    while (!closing()) {
      try {
        if (consumer == null) {
          consumer = consumers.get();
        }
        if (setUpUntilDone()) {
          pollUntilClosed();
        }
      } catch (WakeupException | InterruptException e) {
        if (!closing()) {
          Thread.interrupted();
          continue; // a wakeup that was not ours
        }
      } catch (PollsKeepFailing e) {
        LOGGER.warn("{}, replacing the consumer thread={} error={}", e.getMessage(), thread.getName(), e.getCause().toString());
        closeConsumer();
        continue;
      } catch (SetupRefused e) {
        refusal = e.getMessage();
        notReadyReason = e.getMessage();
        lastCrash = notReadyReason; // the thread ends: /health names why
        positioned.completeExceptionally(e);
        LOGGER.error("Gateway cannot start: {}", e.getMessage());
        break;
      } catch (Throwable e) {
        if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
          notReadyReason = thread.getName() + " stopped: " + e;
          lastCrash = notReadyReason;
          throw (VirtualMachineError) e; // the JVM is in no state to go on; /health fails with the thread gone
        }
        crashesSinceReady++;
        notReadyReason = thread.getName() + " restarting after: " + e;
        lastCrash = notReadyReason;
        LOGGER.error(
            "Consumer loop crashed, restarting with a new consumer in {} ms thread={} crashes={}",
            backoff, thread.getName(), crashesSinceReady, e);
        closeConsumer();
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        continue;
      }
      break;
    }
    closeConsumer();
  }

  private void closeConsumer() {
    org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> current = consumer;
    if (current == null) {
      return;
    }
    // The consumer stays set while it closes: the last commit, and the rebalance callbacks that close runs
    // (a revoke commits), use it.
    try {
      beforeClose();
    } catch (RuntimeException e) {
      LOGGER.warn("Consumer loop clean-up failed thread={}", thread.getName(), e);
    }
    try {
      current.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOGGER.warn("Closing a consumer failed thread={} error={}", thread.getName(), e.toString());
    }
    consumer = null;
  }

  private boolean setUpUntilDone() {
    String lastReason = null;
    // Each reason once per run of retries, however they alternate (an unreachable cluster answers in two ways).
    Set<String> logged = new HashSet<>();
    long firstFailed = 0;
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
        if (lastReason != null) {
          // The ERROR above said why this loop held the gateway back; say that it no longer does.
          LOGGER.info("Consumer set up after {} s of retries thread={} (the last reason was: {})",
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - firstFailed), thread.getName(), lastReason);
        }
        return true;
      }
      notReadyReason = problem;
      if (lastReason == null) {
        firstFailed = System.nanoTime();
      }
      lastReason = problem;
      if (logged.size() == MAX_REASONS_LOGGED && !logged.contains(problem)) {
        logged.clear(); // reasons that keep changing (one names a node, say): a new cause must still be seen
      }
      if (logged.add(problem)) {
        LOGGER.error("Gateway not ready, retrying every {} s: {}", Duration.ofMillis(retryPauseMillis).toSeconds(), problem);
      }
      pause(retryPauseMillis);
    }
    return false;
  }

  private void pollUntilClosed() {
    int failures = 0;
    long backoff = retryPauseMillis;
    while (!closing()) {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(POLL_TIMEOUT);
      } catch (WakeupException e) {
        if (closing()) {
          throw e;
        }
        // Only close() wakes the consumer, after closing(); Kafka's wake-ups are sticky, so one that lands
        // elsewhere must still not end the loop (nor count as a poll that succeeded).
        continue;
      } catch (InterruptException e) {
        throw e;
      } catch (KafkaException e) {
        // Transient or fixable from outside (a coordinator moving, an ACL): not ready, and try again.
        failures++;
        notReady(thread.getName() + " cannot poll: " + e);
        warnings.warn(
            "poll-" + e.getClass().getName(), e, "Consumer poll failed, retrying in {} ms thread={} failures={} error={}",
            backoff, thread.getName(), failures, e.toString());
        if (failures >= POLL_FAILURES_BEFORE_RESTART) {
          throw new PollsKeepFailing(failures + " polls in a row failed", e);
        }
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        continue;
      }
      if (failures > 0) {
        failures = 0;
        backoff = retryPauseMillis;
        recovered();
      }
      if (!records.isEmpty()) {
        batches.batchStarted();
        try {
          handleAll(records);
        } finally {
          batches.batchEnded();
        }
      }
      try {
        afterPoll(records);
      } catch (WakeupException e) {
        if (closing()) {
          throw e;
        }
        // As above: a wake-up that is not close's must not end the loop.
      }
    }
  }

  /** A poll succeeded after failing: ready again, unless the subclass still waits for something. */
  protected void recovered() {
    ready();
  }

  private void pause(long millis) {
    try {
      closing.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Hands each record to the handler, partition by partition. Anything but a {@link RuntimeException} from the
   * handler (an {@link Error}: a bug that may be the consumer's state) crashes the loop, but first moves the
   * consumer's positions back to what was not handled, past the record that threw: a commit before the consumer
   * is replaced (the reply consumer's, under group ownership) must not cover records nobody handled, whose callers
   * would wait for their timeout, and the next consumer, starting from it, must not meet that record again. A
   * consumer that starts elsewhere (at the end under static ownership and for the forward topic; at the beginning
   * for the state topics) does not use these positions.
   */
  private void handleAll(ConsumerRecords<byte[], byte[]> records) {
    Throwable crash = null;
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
      if (batch.isEmpty()) {
        continue;
      }
      if (crash != null) {
        rewind(partition, batch.get(0).offset()); // none of it handled
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        try {
          handle(record);
        } catch (Throwable e) { // what handle lets through: an Error, or a checked exception thrown sneakily
          if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
            throw (VirtualMachineError) e; // the JVM is in no state to go on (see run)
          }
          crash = e;
          rewind(partition, record.offset() + 1);
          break;
        }
      }
    }
    if (crash instanceof Error error) {
      throw error;
    }
    if (crash != null) {
      throw new IllegalStateException("a record handler threw " + crash, crash);
    }
  }

  private void rewind(TopicPartition partition, long offset) {
    try {
      consumer.seek(partition, offset);
    } catch (RuntimeException e) {
      // Revoked meanwhile, say: its next owner starts from the last commit. The handler's Error is what to report.
      LOGGER.debug("Could not move back to unhandled records thread={} partition={} offset={}", thread.getName(), partition, offset, e);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    try {
      handler.accept(record);
    } catch (RuntimeException e) {
      warnings.warn(
          "handler", e, "Record handler failed thread={} partition={} offset={} error={}",
          thread.getName(), record.partition(), record.offset(), e.toString());
    }
  }

  /** Stops polling, runs {@link #beforeClose()}, closes the consumer (leaving its group) and waits for the thread. */
  @Override
  public void close() {
    closing.countDown();
    org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
      closeConsumer(); // never started
    }
  }
}
