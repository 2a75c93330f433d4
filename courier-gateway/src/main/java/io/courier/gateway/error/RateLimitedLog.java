package io.courier.gateway.error;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warnings on the request path, at most one line per kind per interval: a fault that hits every request
 * must not flood the log or cost each request a log line. The next line after a quiet interval says how many
 * were left out. Thread-safe; never blocks beyond the logger itself.
 */
public final class RateLimitedLog {
  private final Logger logger;
  private final long intervalNanos;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final AtomicLong openedAt = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  public RateLimitedLog(Logger logger, Duration interval) {
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Logs at WARN unless a line of the same {@code kind} was logged less than the interval ago. {@code
   * failure}, when given, is logged with its stack trace at DEBUG only.
   */
  public void warn(String kind, Throwable failure, String format, Object... arguments) {
    Window window = windows.computeIfAbsent(kind, ignored -> new Window());
    long now = System.nanoTime();
    long opened = window.openedAt.get();
    if (opened != Long.MIN_VALUE && now - opened < intervalNanos || !window.openedAt.compareAndSet(opened, now)) {
      window.suppressed.incrementAndGet();
      return;
    }
    long left = window.suppressed.getAndSet(0);
    String message = left == 0 ? format : format + " (" + left + " more like it since the last)";
    logger.warn(message, arguments);
    if (failure != null && logger.isDebugEnabled()) {
      logger.debug("Stack trace of the warning above kind={}", kind, failure);
    }
  }
}
