package io.courier.protocol;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The stream markers of protocol 3 ({@code docs/protocol.md}, "Streamed replies"): a request of a streaming
 * route carries {@code courier-stream} (the gateway's idle limit between records, millis); each record of a
 * stream reply carries {@code courier-stream-seq} (0, 1, 2, ...), and the last one {@code courier-stream-end}
 * with the stream's final status. Stateless.
 */
public final class StreamMarkers {
  /** The sequence number the protocol allows at most. */
  public static final long MAX_SEQUENCE = Long.MAX_VALUE;

  private StreamMarkers() {}

  /**
   * What the stream headers of one reply record say.
   *
   * @param sequence the record's place in its stream, from 0
   * @param endStatus the stream's final status (100-599) when this is the end marker, else -1
   */
  public record Position(long sequence, int endStatus) {
    public boolean isEnd() {
      return endStatus >= 0;
    }
  }

  /** Adds the request header of a streaming route: the idle limit between stream records, in millis. */
  public static void markStreaming(Headers request, long idleTimeoutMillis) {
    request.add(HeaderNames.STREAM, Codec.utf8(Long.toString(idleTimeoutMillis)));
  }

  /**
   * The idle limit a request's gateway waits between two stream records, in millis, or -1 when the request
   * does not take a stream (then a service replies once).
   *
   * @throws ProtocolException if the header is there but not a non-negative decimal number
   */
  public static long idleTimeoutMillis(Headers request) {
    Header header = request.lastHeader(HeaderNames.STREAM);
    return header == null || header.value() == null ? -1 : Codec.parseLong(HeaderNames.STREAM, header.value(), 0, Long.MAX_VALUE);
  }

  /** Adds the headers of item {@code sequence} to a reply record's headers. */
  public static void markItem(Headers reply, long sequence) {
    reply.add(HeaderNames.STREAM_SEQ, Codec.utf8(Long.toString(sequence)));
  }

  /** Adds the headers of the end marker, number {@code sequence} (the number of items), with the final status. */
  public static void markEnd(Headers reply, long sequence, int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599: " + status);
    }
    markItem(reply, sequence);
    reply.add(HeaderNames.STREAM_END, Codec.utf8(Integer.toString(status)));
  }

  /**
   * The stream position of a reply record, or {@code null} when it is an ordinary (single) reply.
   *
   * @throws ProtocolException if a stream header is not a number in range (sequence 0 to 2^63-1, status
   *     100-599), or {@code courier-stream-end} comes without {@code courier-stream-seq}
   */
  public static Position positionOf(Headers reply) {
    Header seq = reply.lastHeader(HeaderNames.STREAM_SEQ);
    Header end = reply.lastHeader(HeaderNames.STREAM_END);
    if (seq == null || seq.value() == null) {
      if (end != null) {
        throw new ProtocolException(HeaderNames.STREAM_END + " without " + HeaderNames.STREAM_SEQ);
      }
      return null;
    }
    long sequence = Codec.parseLong(HeaderNames.STREAM_SEQ, seq.value(), 0, MAX_SEQUENCE);
    int status = end == null || end.value() == null ? -1 : (int) Codec.parseLong(HeaderNames.STREAM_END, end.value(), 100, 599);
    return new Position(sequence, status);
  }
}
