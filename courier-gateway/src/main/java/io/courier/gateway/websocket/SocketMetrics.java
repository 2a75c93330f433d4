package io.courier.gateway.websocket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSocket front end's own meters (docs/operations.md, "Metrics"); the requests on a socket are counted
 * by their routes' meters as HTTP requests are. Thread-safe.
 */
final class SocketMetrics {
  /** Why a socket, an upgrade or one frame's request was refused, as the {@code reason} tag. */
  enum Refusal {
    MAX_SOCKETS("max-sockets"),
    ORIGIN("origin"),
    FRAME_TOO_LARGE("frame-too-large"),
    BINARY_FRAME("binary-frame"),
    INVALID_FRAME("invalid-frame"),
    DUPLICATE_ID("duplicate-id"),
    IN_FLIGHT_LIMIT("in-flight-limit");

    final String tag;

    Refusal(String tag) {
      this.tag = tag;
    }
  }

  private final AtomicInteger open = new AtomicInteger();
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter idleClosed;
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

  SocketMetrics(MeterRegistry registry) {
    Gauge.builder("courier.websocket.sockets", open, AtomicInteger::get)
        .description("WebSockets open on this instance")
        .register(registry);
    framesIn = frames(registry, "in");
    framesOut = frames(registry, "out");
    idleClosed = Counter.builder("courier.websocket.idle.closed")
        .description("WebSockets closed after websocket.idle-timeout with nothing in flight")
        .register(registry);
    for (Refusal refusal : Refusal.values()) {
      refusals.put(refusal, Counter.builder("courier.websocket.refusals")
          .description("Upgrades, sockets and requests on sockets refused by the WebSocket front end's limits")
          .tag("reason", refusal.tag)
          .register(registry));
    }
  }

  private static Counter frames(MeterRegistry registry, String direction) {
    return Counter.builder("courier.websocket.frames")
        .description("WebSocket messages read from clients (in) and written to them (out)")
        .tag("direction", direction)
        .register(registry);
  }

  /** Takes a socket's place if fewer than {@code max} are open; {@link #closed()} gives it back. */
  boolean tryOpen(int max) {
    while (true) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void closed() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  void frameIn() {
    framesIn.increment();
  }

  void frameOut() {
    framesOut.increment();
  }

  void idleClosed() {
    idleClosed.increment();
  }

  void refused(Refusal refusal) {
    refusals.get(refusal).increment();
  }
}
