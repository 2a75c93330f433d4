package io.courier.gateway.pending;

/** What became of a reply read from the response or the forward topic. Each is counted in {@code courier.replies}. */
public enum ReplyOutcome {
  /** It answered a waiting request. */
  MATCHED,
  /** Its request had been answered already. */
  DUPLICATE,
  /** Its request had timed out, failed or been abandoned by the caller. */
  LATE,
  /** No request of this instance has this correlation id (or it was forgotten long ago). */
  UNKNOWN,
  /** The correlation id names another gateway instance. */
  FOREIGN,
  /** The record is not a Courier reply: no correlation id, or a bad status. */
  MALFORMED;

  /** The tag value in metrics. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
