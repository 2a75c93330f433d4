package io.courier.gateway.exchange;

import io.courier.protocol.HeaderFields;

/**
 * Where a front end takes a streamed reply item by item ({@code docs/protocol.md}, "Streamed replies"):
 * NDJSON and Server-Sent Events for HTTP, frames for WebSocket. The exchange calls it in this order: {@link
 * #begin} once, {@link #item} for each item in sequence order (0, 1, 2, ..., never a gap or a duplicate: the
 * exchange reorders and drops), then {@link #end} once; or it stops calling at any point when the caller
 * went away ({@code FrontEnd}'s caller-gone path). Until {@link #begin}, the exchange answers through {@link
 * FrontEnd#answer} instead (a timeout before the first record, an ordinary reply, a refusal), and then never
 * calls the sink.
 *
 * <p>Every call comes on the front end's thread (through {@link FrontEnd#execute}); none may block or throw.
 */
public interface StreamSink {
  /**
   * The stream's first record is in: the answer's head can go out (status 200).
   *
   * @param headers the HTTP header fields of the stream's record 0, already fit for HTTP; the front end sets
   *     its own {@code content-type}
   */
  void begin(HeaderFields headers);

  /**
   * Item {@code sequence}: one JSON value as the service wrote it (UTF-8), raw line breaks already replaced
   * by spaces, so it fits on one line.
   *
   * @return {@code false} when the caller's buffer is past its bound (it reads too slowly): the exchange then
   *     ends the stream with {@code slow-reader} through {@link #end} (which must still be written, then the
   *     connection closed) and counts it
   */
  boolean item(long sequence, byte[] item);

  /** The last call: the service's end marker or an end the gateway decided. Writes it and completes the answer. */
  void end(StreamEnd end);
}
