package io.courier.gateway.exchange;

import io.courier.gateway.pending.Outcome;

/**
 * The side of an {@link Exchange} that talks to the caller: HTTP today, WebSocket and streams later. An
 * exchange calls it on the front end's own thread (for HTTP, the request's event loop), except {@link
 * #execute}, which brings the exchange there from any thread.
 */
public interface FrontEnd {
  /** Runs {@code task} on the thread that serves this caller, now if already on it. Any thread; never blocks. */
  void execute(Runnable task);

  /**
   * Writes the answer: the service's reply (its headers already fit for HTTP) or a problem of the gateway's
   * own. Called at most once, on the front end's thread; must not throw.
   */
  void answer(Outcome outcome);
}
