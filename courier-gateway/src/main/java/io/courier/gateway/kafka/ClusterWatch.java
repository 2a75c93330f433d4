package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster, every {@value #INTERVAL_SECONDS} s on thread {@code courier-cluster-watch}, whether it
 * answers at all, so that readiness follows Kafka rather than being established once: when no broker has
 * answered for longer than the grace ({@code kafka.readiness-grace}), the gateway is not ready (its callers
 * would only wait for time-outs); as soon as one answers, it is ready again. A blip shorter than the grace
 * changes nothing. Thread-safe.
 */
public final class ClusterWatch implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ClusterWatch.class);
  static final int INTERVAL_SECONDS = 2;
  private static final int CALL_TIMEOUT_MS = 5_000;

  private final Admin admin;
  private final long graceNanos;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService thread;
  /** nanoTime of the first failed check since the last success, or 0 when the last check succeeded. */
  private volatile long failingSince;
  private volatile String lastFailure;

  public ClusterWatch(Admin admin, Duration grace) {
    this(admin, grace, System::nanoTime);
  }

  ClusterWatch(Admin admin, Duration grace, LongSupplier nanoTime) {
    this.admin = admin;
    this.graceNanos = grace.toNanos();
    this.nanoTime = nanoTime;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread watch = new Thread(runnable, "courier-cluster-watch");
          watch.setDaemon(true);
          return watch;
        });
  }

  public void start() {
    thread.scheduleWithFixedDelay(this::check, 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  /** One check; on the watch thread (or a test's). */
  void check() {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(CALL_TIMEOUT_MS)).clusterId().get(CALL_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
      answered();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failed(e.getCause() != null ? e.getCause().toString() : e.toString());
    }
  }

  void answered() {
    if (failingSince != 0) {
      LOGGER.info("Kafka answers again after {} ms", TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - failingSince));
    }
    failingSince = 0;
  }

  void failed(String reason) {
    lastFailure = reason;
    if (failingSince == 0) {
      failingSince = Math.max(1, nanoTime.getAsLong());
      LOGGER.warn("Kafka does not answer: {}", reason);
    }
  }

  /** {@code null} unless the cluster has not answered for longer than the grace; then why. */
  public String notReadyReason() {
    long since = failingSince;
    if (since == 0) {
      return null;
    }
    long silent = nanoTime.getAsLong() - since;
    return silent <= graceNanos
        ? null
        : "Kafka has not answered for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s: " + lastFailure;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
