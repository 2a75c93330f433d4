package io.courier.responder;

/**
 * What a responder has done since it started.
 *
 * @param answered replies produced and acknowledged, including failure replies
 * @param failed handler failures answered with a 500 problem reply
 * @param expired requests skipped because their deadline had passed
 * @param malformed records that were not Courier requests (no correlation id or reply topic), skipped
 * @param abandoned handlers given up on at the request's deadline or the handler timeout
 * @param refused requests whose reply topic is not allowed ({@code Responder.Builder#replyTopics}), skipped
 * @param cancelled requests cancelled by a cancel marker (while in the handler, or before it ran): no reply
 * @param replayed requests whose {@code idempotency-key} had been handled already: the stored reply was sent
 *     again, the handler did not run
 * @param redelivered share-group mode: records delivered to a responder of the group more than once (a
 *     lock that ran out, a released record, an instance that died); each delivery after the first counts once
 * @param released share-group mode: records given back to Kafka for another delivery after a {@link
 *     RetryableException}, without a reply
 */
public record ResponderStats(
    long answered,
    long failed,
    long expired,
    long malformed,
    long abandoned,
    long refused,
    long cancelled,
    long replayed,
    long redelivered,
    long released) {

  /** Stats with nothing redelivered or released (a consumer-group responder). */
  public ResponderStats(
      long answered, long failed, long expired, long malformed, long abandoned, long refused, long cancelled, long replayed) {
    this(answered, failed, expired, malformed, abandoned, refused, cancelled, replayed, 0, 0);
  }

  /** Stats with nothing cancelled or replayed. */
  public ResponderStats(long answered, long failed, long expired, long malformed, long abandoned, long refused) {
    this(answered, failed, expired, malformed, abandoned, refused, 0, 0);
  }

  /** Stats with nothing abandoned or refused. */
  public ResponderStats(long answered, long failed, long expired, long malformed) {
    this(answered, failed, expired, malformed, 0, 0, 0, 0);
  }
}
