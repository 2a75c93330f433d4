package io.courier.responder.internal;

import io.courier.responder.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The replies of requests that carried an {@code idempotency-key}, per route and key, for a window: a request
 * whose key was seen gets the first one's reply (waiting for it if it is still running) and its handler does
 * not run. Only replies a retry should get are kept: a handler failure (5xx), an abandoned or cancelled
 * request is forgotten, so that a retry runs again. Bounded: at most {@code maxEntries}, none older than the
 * window. Kept in this instance's memory: a retry that reaches another instance of the service (after a
 * rebalance) runs again; the gateway's own guard (one record per key) is the first line.
 *
 * <p>Thread-safe.
 */
final class IdempotentReplies {
  private record Entry(CompletableFuture<Reply> reply, Instant at) {}

  private final Clock clock;
  private final Duration window;
  private final int maxEntries;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  IdempotentReplies(Clock clock, Duration window, int maxEntries) {
    this.clock = clock;
    this.window = window;
    this.maxEntries = maxEntries;
  }

  /**
   * Claims {@code scope} for a request whose reply will complete {@code mine}.
   *
   * @return {@code null} when this request is the first with its scope (run it), else the first one's reply,
   *     which fails if that one's reply is not kept
   */
  synchronized CompletableFuture<Reply> claim(String scope, CompletableFuture<Reply> mine) {
    Instant now = clock.instant();
    forgetOld(now);
    Entry first = entries.get(scope);
    if (first != null) {
      return first.reply();
    }
    entries.put(scope, new Entry(mine, now));
    return null;
  }

  /** The first request's reply is not to be replayed: forget it, so that a retry runs. */
  synchronized void forget(String scope, CompletableFuture<Reply> mine) {
    Entry entry = entries.get(scope);
    if (entry != null && entry.reply() == mine) {
      entries.remove(scope);
    }
  }

  synchronized int size() {
    return entries.size();
  }

  private void forgetOld(Instant now) {
    Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
    while (oldest.hasNext()) {
      Entry entry = oldest.next().getValue();
      if (entries.size() < maxEntries && entry.at().plus(window).isAfter(now)) {
        return;
      }
      oldest.remove();
    }
  }
}
