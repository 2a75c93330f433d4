package io.courier.responder;

import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the service sees it: what the HTTP caller asked, and until when the answer is of use.
 * Immutable.
 */
public final class Request {
  private static final byte[] EMPTY = new byte[0];

  private final RequestEnvelope envelope;
  private final String key;
  private final byte[] body;
  private final Cancellation cancellation;
  private final int deliveryAttempt;
  /** The stream the request may be answered with; {@code null} when it takes one reply. */
  private final ReplyStream stream;

  /** A request that is never cancelled. */
  public Request(RequestEnvelope envelope, String key, byte[] body) {
    this(envelope, key, body, Cancellation.NEVER);
  }

  /** @param cancellation tells the handler when the caller has given up on the request */
  public Request(RequestEnvelope envelope, String key, byte[] body, Cancellation cancellation) {
    this(envelope, key, body, cancellation, null, 1);
  }

  /**
   * @param cancellation tells the handler when the caller has given up on the request
   * @param stream the stream the request may be answered with, when its gateway takes one ({@code
   *     courier-stream}); {@code null} when it takes one reply
   * @param deliveryAttempt which delivery of the record this is, 1 the first
   * @throws IllegalArgumentException if {@code deliveryAttempt} is below 1
   */
  public Request(
      RequestEnvelope envelope, String key, byte[] body, Cancellation cancellation, ReplyStream stream, int deliveryAttempt) {
    if (deliveryAttempt < 1) {
      throw new IllegalArgumentException("deliveryAttempt must be at least 1: " + deliveryAttempt);
    }
    this.deliveryAttempt = deliveryAttempt;
    this.stream = stream;
    this.envelope = envelope;
    this.key = key;
    this.body = body == null ? EMPTY : body;
    this.cancellation = cancellation;
  }

  /**
   * Answers the request with a stream of items instead of one reply (protocol 3, "Streamed replies"): see
   * {@link ReplyStream}. The same stream on every call.
   *
   * @throws IllegalStateException if the request does not take a stream: its gateway route has no {@code
   *     stream} block, or the gateway predates protocol 3 ({@link #streams()} says which)
   */
  public ReplyStream stream() {
    if (stream == null) {
      throw new IllegalStateException("this request takes one reply, not a stream: its route does not stream");
    }
    return stream;
  }

  /** Whether the request may be answered with a {@link #stream()}: its gateway route streams. */
  public boolean streams() {
    return stream != null;
  }

  /**
   * Which delivery of this request the handler sees: 1 the first; more in {@link GroupType#SHARE share-group}
   * mode after a {@link RetryableException}, a lock that ran out or an instance that died while handling it.
   * Always 1 in consumer-group mode, which has no delivery count.
   */
  public int deliveryAttempt() {
    return deliveryAttempt;
  }

  /**
   * Whether, and when, the caller gives up on this request (protocol 2 cancel markers): check it between
   * steps of long work, or register an action that stops it.
   */
  public Cancellation cancellation() {
    return cancellation;
  }

  /**
   * The caller's {@code Idempotency-Key}, when the gateway route uses idempotency keys and the caller sent
   * one. The responder runs a handler at most once per route and key within its idempotency window.
   */
  public Optional<String> idempotencyKey() {
    return envelope.headers().first(io.courier.protocol.HeaderNames.IDEMPOTENCY_KEY);
  }

  public String method() {
    return envelope.method();
  }

  public String path() {
    return envelope.path();
  }

  /** The gateway route's name, if the gateway sent one. */
  public Optional<String> route() {
    return Optional.ofNullable(envelope.route());
  }

  /** A path template parameter, e.g. {@code id} of {@code /orders/{id}}. */
  public Optional<String> pathParam(String name) {
    return Optional.ofNullable(envelope.pathParams().get(name));
  }

  public Map<String, String> pathParams() {
    return envelope.pathParams();
  }

  /** The raw query string without {@code ?}, if any. */
  public Optional<String> query() {
    return Optional.ofNullable(envelope.query());
  }

  /**
   * Who the caller proved to be at the gateway, on routes with authentication (docs/security.md): the API
   * key's name, the JWT's {@code sub} or the client certificate's subject, how, and the claims the gateway
   * forwards. Empty on open routes. Callers cannot set it: the gateway writes it as protocol headers.
   */
  public Optional<io.courier.protocol.CallerIdentity> identity() {
    return Optional.ofNullable(envelope.identity());
  }

  /** The first value of a forwarded HTTP header, by name in any letter case, read as UTF-8. */
  public Optional<String> header(String name) {
    return envelope.headers().first(name);
  }

  /** Every value of a forwarded HTTP header that the caller sent more than once, in order, read as UTF-8. */
  public List<String> headerValues(String name) {
    return envelope.headers().all(name);
  }

  /** The first value of each forwarded HTTP header, read as UTF-8; see {@link #headerFields()} for all. */
  public Map<String, String> headers() {
    return envelope.headers().toMap();
  }

  /** The forwarded HTTP header fields as the caller sent them: repeats in order, values as bytes. */
  public HeaderFields headerFields() {
    return envelope.headers();
  }

  /** The record key, or {@code null} when the route names none. */
  public String key() {
    return key;
  }

  /** The body bytes; empty, never {@code null}. The array is shared: do not modify it. */
  public byte[] body() {
    return body;
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** When the caller stops waiting; {@link Instant#MAX} if the requester set no deadline. */
  public Instant deadline() {
    return envelope.deadline();
  }

  public String correlationId() {
    return envelope.correlationId();
  }

  /** The header convention the requester used. */
  public Profile profile() {
    return envelope.profile();
  }

  /** The decoded headers, for code that needs the whole envelope. */
  public RequestEnvelope envelope() {
    return envelope;
  }
}
