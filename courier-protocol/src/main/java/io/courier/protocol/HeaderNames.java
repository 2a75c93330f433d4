package io.courier.protocol;

/**
 * Names of the Kafka headers Courier writes and reads. Protocol version {@value #PROTOCOL_VERSION}; see
 * {@code docs/protocol.md} for the encoding of each.
 */
public final class HeaderNames {

  /** Version of the wire contract these names belong to; sent in {@link #PROTOCOL}. */
  public static final String PROTOCOL_VERSION = "3";

  public static final String PROTOCOL = "courier-protocol";
  public static final String CORRELATION_ID = "courier-correlation-id";
  public static final String REPLY_TOPIC = "courier-reply-topic";
  public static final String REPLY_PARTITION = "courier-reply-partition";
  public static final String DEADLINE = "courier-deadline";
  public static final String METHOD = "courier-method";
  public static final String PATH = "courier-path";
  public static final String QUERY = "courier-query";
  public static final String ROUTE = "courier-route";
  /** Prefix of one header per path parameter: {@code courier-path-param.id} for {@code /orders/{id}}. */
  public static final String PATH_PARAM_PREFIX = "courier-path-param.";
  public static final String STATUS = "courier-status";
  /**
   * On a reply from a share-group responder: which delivery of the request this reply answers, decimal
   * ({@code 1} the first, {@code 2} after one redelivery, ...), from Kafka's delivery count (KIP-932). Lets the
   * gateway and a conformance check see that a reply came after a redelivery. Absent on replies from
   * consumer-group responders, which have no delivery count.
   */
  public static final String DELIVERY_ATTEMPT = "courier-delivery-attempt";
  /** On a reply copied to the forward topic: the gateway instance that read it and forwarded it. */
  public static final String FORWARDED_BY = "courier-forwarded-by";
  public static final String CONTENT_TYPE = "content-type";
  /**
   * On a request record: the caller's {@code Idempotency-Key} (IETF draft-ietf-httpapi-idempotency-key-header),
   * the bytes the caller sent, so that a service can run a command at most once per key (protocol 2).
   */
  public static final String IDEMPOTENCY_KEY = "idempotency-key";
  /**
   * On a cancel marker: the correlation id of the request whose caller no longer wants it (protocol 2). A
   * cancel marker has no correlation id header and no value; see {@link CancelMarker}.
   */
  public static final String CANCEL = "courier-cancel";
  /**
   * On a request record of a streaming route (protocol 3): the gateway takes a stream reply; the value is the
   * longest gap it waits between two stream records, decimal milliseconds. See {@link StreamMarkers}.
   */
  public static final String STREAM = "courier-stream";
  /** On every record of a stream reply (protocol 3): its sequence number, 0, 1, 2, ... decimal. */
  public static final String STREAM_SEQ = "courier-stream-seq";
  /** On the last record of a stream reply (protocol 3): the stream's final status, three digits. */
  public static final String STREAM_END = "courier-stream-end";
  /**
   * On a request record of a route with authentication: who the caller proved to be, UTF-8 (the API key's
   * name, the JWT's {@code sub}, the client certificate's subject). A protocol header: a caller can never set
   * it, and it is never among the request's HTTP header fields.
   */
  public static final String IDENTITY = "courier-identity";
  /** How the caller of {@link #IDENTITY} authenticated: {@code api-key}, {@code jwt} or {@code mtls}. */
  public static final String IDENTITY_KIND = "courier-identity-kind";
  /** Prefix of one header per JWT claim the gateway forwards: {@code courier-identity-claim.tenant}. */
  public static final String IDENTITY_CLAIM_PREFIX = "courier-identity-claim.";
  /**
   * W3C Trace Context (https://www.w3.org/TR/trace-context/), as Kafka record headers the way OpenTelemetry's
   * and Spring's Kafka instrumentation write them: on a request record, the gateway's span (or the caller's
   * context); on a reply, the responder's span. Never copied from a reply to the HTTP response.
   */
  public static final String TRACEPARENT = "traceparent";
  /** The vendor part of W3C Trace Context, beside {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  public static final String SPRING_CORRELATION_ID = "kafka_correlationId";
  public static final String SPRING_REPLY_TOPIC = "kafka_replyTopic";
  public static final String SPRING_REPLY_PARTITION = "kafka_replyPartition";

  public static final String ZILLA_CORRELATION_ID = "zilla:correlation-id";
  public static final String ZILLA_REPLY_TO = "zilla:reply-to";
  public static final String ZILLA_STATUS = ":status";
  public static final String ZILLA_METHOD = ":method";
  public static final String ZILLA_PATH = ":path";
  public static final String ZILLA_SCHEME = ":scheme";
  public static final String ZILLA_AUTHORITY = ":authority";

  private HeaderNames() {}

  /** Whether a header carries W3C Trace Context ({@code traceparent}, {@code tracestate}); {@code name} lower case. */
  public static boolean isTraceContextHeader(String name) {
    return name.equals(TRACEPARENT) || name.equals(TRACESTATE);
  }

  /**
   * Whether a reply header belongs to a messaging convention rather than to the HTTP response: Courier's
   * own, Spring's ({@code kafka_*}, {@code spring_*}, {@code __TypeId__}) and Zilla's ({@code zilla:*},
   * pseudo-headers). Such headers are never copied to the HTTP response.
   */
  public static boolean isProtocolHeader(String name) {
    return name.startsWith("courier-")
        || name.startsWith("kafka_")
        || name.startsWith("spring_")
        || name.startsWith("__")
        || name.startsWith("zilla:")
        || name.startsWith(":");
  }
}
