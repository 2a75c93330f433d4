package io.courier.responder.internal;

import io.courier.responder.Cancellation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests in the handler, by correlation id, so that a cancel marker finds the one it names; and the
 * ids of markers that came before their request started (a backlog behind the in-flight cap, or a restart
 * that re-reads both), so that the request is skipped when it does. At most {@value #REMEMBERED} such ids are
 * kept. Thread-safe.
 */
final class CancelRegistry {
  static final int REMEMBERED = 10_000;

  private final Map<String, Cancellation.Source> running = new ConcurrentHashMap<>();
  private final Set<String> early =
      Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  /** A request starts: its cancellation source, or {@code null} when it was cancelled before it started. */
  Cancellation.Source start(String correlationId) {
    if (early.remove(correlationId)) {
      return null;
    }
    Cancellation.Source source = new Cancellation.Source();
    running.put(correlationId, source);
    return source;
  }

  /** The request is done, one way or another. */
  void finish(String correlationId) {
    running.remove(correlationId);
  }

  /** A cancel marker: cancels the request if it is running, else remembers it. @return whether it was running */
  boolean cancel(String correlationId) {
    Cancellation.Source source = running.remove(correlationId);
    if (source == null) {
      early.add(correlationId);
      return false;
    }
    source.cancel();
    return true;
  }
}
