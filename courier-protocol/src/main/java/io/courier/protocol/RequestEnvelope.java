package io.courier.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What travels in the headers of a request record: how to answer (correlation id, reply topic and partition,
 * deadline) and what was asked (method, path, path parameters, query, forwarded HTTP headers). The record
 * value is the HTTP body and is not part of the envelope.
 *
 * @param profile the header convention the request is written in
 * @param correlationId the id the reply must echo
 * @param replyTopic where the reply goes
 * @param replyPartition the partition the reply goes to, or {@code -1} to let the producer choose
 * @param deadline when the caller stops waiting; work finished after it is wasted
 * @param route the name of the gateway route, or {@code null}
 * @param method the HTTP method
 * @param path the HTTP path, without the query
 * @param query the raw query string without {@code ?}, or {@code null}
 * @param pathParams path template parameters, in template order
 * @param headers forwarded HTTP header fields, lower-case names, values the bytes the caller sent, repeated
 *     names once per value and in order; including {@code content-type}
 * @param identity who the caller proved to be at the gateway, or {@code null} on open routes
 */
public record RequestEnvelope(
    Profile profile,
    String correlationId,
    String replyTopic,
    int replyPartition,
    Instant deadline,
    String route,
    String method,
    String path,
    String query,
    Map<String, String> pathParams,
    HeaderFields headers,
    CallerIdentity identity) {

  public RequestEnvelope {
    pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(pathParams));
    headers = headers == null ? HeaderFields.EMPTY : headers;
  }

  /** A builder, for code that would otherwise call the twelve-argument constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this envelope's values, to change some. */
  public Builder toBuilder() {
    return new Builder()
        .profile(profile)
        .correlationId(correlationId)
        .replyTopic(replyTopic)
        .replyPartition(replyPartition)
        .deadline(deadline)
        .route(route)
        .method(method)
        .path(path)
        .query(query)
        .pathParams(pathParams)
        .headers(headers)
        .identity(identity);
  }

  /** The Kafka headers of this request, in its profile. */
  public Headers toHeaders() {
    RecordHeaders out = new RecordHeaders();
    out.add(HeaderNames.PROTOCOL, Codec.utf8(HeaderNames.PROTOCOL_VERSION));
    out.add(profile.correlationHeader(), Codec.utf8(correlationId));
    out.add(profile.replyTopicHeader(), Codec.utf8(replyTopic));
    if (profile.replyPartitionHeader() != null && replyPartition >= 0) {
      out.add(profile.replyPartitionHeader(), profile.encodePartition(replyPartition));
    }
    if (!deadline.equals(Instant.MAX)) { // no deadline: no header, as read back by fromHeaders
      out.add(HeaderNames.DEADLINE, Codec.utf8(Long.toString(deadline.toEpochMilli())));
    }
    if (route != null) {
      out.add(HeaderNames.ROUTE, Codec.utf8(route));
    }
    out.add(HeaderNames.METHOD, Codec.utf8(method));
    out.add(HeaderNames.PATH, Codec.utf8(path));
    if (query != null) {
      out.add(HeaderNames.QUERY, Codec.utf8(query));
    }
    pathParams.forEach((name, value) -> out.add(HeaderNames.PATH_PARAM_PREFIX + name, Codec.utf8(value)));
    if (profile == Profile.ZILLA) {
      out.add(HeaderNames.ZILLA_METHOD, Codec.utf8(method));
      out.add(HeaderNames.ZILLA_PATH, Codec.utf8(query == null ? path : path + '?' + query));
    }
    headers.forEach(out::add);
    if (identity != null) {
      out.add(HeaderNames.IDENTITY, Codec.utf8(identity.name()));
      out.add(HeaderNames.IDENTITY_KIND, Codec.utf8(identity.kind()));
      identity.claims().forEach((claim, value) -> out.add(HeaderNames.IDENTITY_CLAIM_PREFIX + claim, Codec.utf8(value)));
    }
    return out;
  }

  /**
   * Reads a request record's headers.
   *
   * @throws ProtocolException if the correlation id, reply topic or deadline is missing or malformed
   */
  public static RequestEnvelope fromHeaders(Headers in) {
    Profile profile = Profile.detect(in);
    if (profile == null) {
      throw new ProtocolException("no correlation id header in any known profile");
    }
    String correlationId = Codec.string(in, profile.correlationHeader());
    if (correlationId == null || correlationId.isEmpty()) {
      throw new ProtocolException(profile.correlationHeader() + " is empty");
    }
    String replyTopic = Codec.string(in, profile.replyTopicHeader());
    if (replyTopic == null || replyTopic.isEmpty()) {
      throw new ProtocolException(profile.replyTopicHeader() + " is missing");
    }
    int replyPartition = -1;
    if (profile.replyPartitionHeader() != null) {
      Header partition = in.lastHeader(profile.replyPartitionHeader());
      if (partition != null && partition.value() != null) {
        replyPartition = profile.decodePartition(partition.value());
      }
    }
    Header deadlineHeader = in.lastHeader(HeaderNames.DEADLINE);
    Instant deadline =
        deadlineHeader == null || deadlineHeader.value() == null
            ? Instant.MAX
            : Instant.ofEpochMilli(
                Codec.parseLong(HeaderNames.DEADLINE, deadlineHeader.value(), 0, Long.MAX_VALUE));

    Map<String, String> pathParams = new LinkedHashMap<>();
    Map<String, String> claims = new LinkedHashMap<>();
    HeaderFields.Builder headers = HeaderFields.builder();
    for (Header header : in) {
      String name = header.key();
      if (header.value() == null) {
        continue;
      }
      if (name.startsWith(HeaderNames.PATH_PARAM_PREFIX)) {
        pathParams.put(name.substring(HeaderNames.PATH_PARAM_PREFIX.length()), new String(header.value(), StandardCharsets.UTF_8));
      } else if (name.startsWith(HeaderNames.IDENTITY_CLAIM_PREFIX)) {
        claims.put(name.substring(HeaderNames.IDENTITY_CLAIM_PREFIX.length()), new String(header.value(), StandardCharsets.UTF_8));
      } else if (!HeaderNames.isProtocolHeader(name)) {
        headers.add(name, header.value());
      }
    }
    String method = firstNonNull(Codec.string(in, HeaderNames.METHOD), Codec.string(in, HeaderNames.ZILLA_METHOD));
    String path = Codec.string(in, HeaderNames.PATH);
    String query = Codec.string(in, HeaderNames.QUERY);
    if (path == null) {
      String zillaPath = Codec.string(in, HeaderNames.ZILLA_PATH);
      if (zillaPath != null) {
        int question = zillaPath.indexOf('?');
        path = question < 0 ? zillaPath : zillaPath.substring(0, question);
        query = question < 0 ? null : zillaPath.substring(question + 1);
      }
    }
    return new RequestEnvelope(
        profile,
        correlationId,
        replyTopic,
        replyPartition,
        deadline,
        Codec.string(in, HeaderNames.ROUTE),
        method,
        path,
        query,
        pathParams,
        headers.build(),
        identity(in, claims));
  }

  /** The caller's identity, when the record has {@code courier-identity}; its kind defaults to {@code unknown}. */
  private static CallerIdentity identity(Headers in, Map<String, String> claims) {
    String name = Codec.string(in, HeaderNames.IDENTITY);
    if (name == null) {
      return null;
    }
    String kind = Codec.string(in, HeaderNames.IDENTITY_KIND);
    return new CallerIdentity(kind == null ? "unknown" : kind, name, claims);
  }

  private static String firstNonNull(String first, String second) {
    return first != null ? first : second;
  }

  /** Builds a {@link RequestEnvelope}; unset values are {@code null}, -1 (reply partition) or empty. Not thread-safe. */
  public static final class Builder {
    private Profile profile = Profile.COURIER;
    private String correlationId;
    private String replyTopic;
    private int replyPartition = -1;
    private Instant deadline = Instant.MAX;
    private String route;
    private String method;
    private String path;
    private String query;
    private Map<String, String> pathParams = Map.of();
    private HeaderFields headers = HeaderFields.EMPTY;
    private CallerIdentity identity;

    private Builder() {}

    public Builder profile(Profile profile) {
      this.profile = profile;
      return this;
    }

    public Builder correlationId(String correlationId) {
      this.correlationId = correlationId;
      return this;
    }

    public Builder replyTopic(String replyTopic) {
      this.replyTopic = replyTopic;
      return this;
    }

    public Builder replyPartition(int replyPartition) {
      this.replyPartition = replyPartition;
      return this;
    }

    public Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    public Builder route(String route) {
      this.route = route;
      return this;
    }

    public Builder method(String method) {
      this.method = method;
      return this;
    }

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder query(String query) {
      this.query = query;
      return this;
    }

    public Builder pathParams(Map<String, String> pathParams) {
      this.pathParams = pathParams;
      return this;
    }

    public Builder headers(HeaderFields headers) {
      this.headers = headers;
      return this;
    }

    /** Who the caller proved to be; {@code null} (the default) on open routes. */
    public Builder identity(CallerIdentity identity) {
      this.identity = identity;
      return this;
    }

    public RequestEnvelope build() {
      return new RequestEnvelope(
          profile, correlationId, replyTopic, replyPartition, deadline, route, method, path, query, pathParams, headers, identity);
    }
  }
}
