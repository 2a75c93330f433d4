/**
 * How a {@link io.courier.responder.Responder} works inside; not API, may change in any release.
 *
 * <p>One request goes through these steps, one class each:
 *
 * <ol>
 *   <li>{@link io.courier.responder.internal.ResponderLoop} creates the clients and runs the {@link
 *       io.courier.responder.internal.PollLoop} on the poll thread, which polls the request topic and keeps
 *       at most {@code maxInFlight} requests in hand, pausing the partitions beyond it;
 *   <li>{@link io.courier.responder.internal.RequestProcessor} decodes the record, skips malformed and
 *       expired requests, calls the handler and turns its failure into a 500 problem reply;
 *   <li>{@link io.courier.responder.internal.ReplyProducer} produces the reply where the request asks;
 *   <li>{@link io.courier.responder.internal.OffsetTracker} records which offsets are done, so that an offset
 *       is committed only once every request before it in its partition is answered or skipped;
 *   <li>{@link io.courier.responder.internal.OffsetCommitter} commits those offsets.
 * </ol>
 *
 * <p>In share-group mode the first and last steps differ, the others are the same: {@link
 * io.courier.responder.internal.ShareLoop} polls with a share consumer (after {@link
 * io.courier.responder.internal.ShareGroupSetup} has set the group's configs) and settles each record with
 * an acknowledgement (accept, release, reject, renew) instead of an offset commit; {@link
 * io.courier.responder.internal.Redelivery} tells the processor when a retryable failure may be released
 * for another delivery. Both loops share their life cycle through {@link
 * io.courier.responder.internal.ConsumeLoop}.
 */
package io.courier.responder.internal;
