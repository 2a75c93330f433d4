package io.courier.gateway.exchange;

import io.courier.gateway.pending.Outcome;

/**
 * The side of an {@link Exchange} that talks to the caller: HTTP and WebSocket; streamed replies go to its
 * {@link #streamSink}. An exchange calls it on the front end's own thread (for HTTP, the request's event
 * loop), except {@link #execute}, which brings the exchange there from any thread.
 */
public interface FrontEnd {
  /** Runs {@code task} on the thread that serves this caller, now if already on it. Any thread; never blocks. */
  void execute(Runnable task);

  /**
   * Writes the answer: the service's reply (its headers already fit for HTTP) or a problem of the gateway's
   * own. Called at most once, on the front end's thread; must not throw.
   */
  void answer(Outcome outcome);

  /**
   * How this caller takes a streamed reply (a route with {@code stream}, {@code docs/protocol.md} "Streamed
   * replies"): a sink the items go to one by one, or {@code null} to take the whole stream as one answer
   * (the items assembled in one JSON array, given to {@link #answer} as a reply). Asked once, when the
   * stream's first record is in, on the front end's thread. The default takes the assembled answer.
   */
  default StreamSink streamSink() {
    return null;
  }
}
