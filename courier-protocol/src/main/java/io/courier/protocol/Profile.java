package io.courier.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A header convention for correlating a request with its reply. The gateway speaks one profile per service
 * so that existing responders work unchanged; Courier's responder library answers all three.
 *
 * <p>Whatever the profile, every request also carries Courier's descriptive headers (method, path, path
 * parameters, query, deadline); responders of another convention ignore them.
 */
public enum Profile {
  /** Courier's own headers; reply partition as a UTF-8 decimal, status in {@code courier-status}. */
  COURIER(HeaderNames.CORRELATION_ID, HeaderNames.REPLY_TOPIC, HeaderNames.REPLY_PARTITION),
  /**
   * Spring Kafka's {@code @SendTo} convention: correlation id echoed verbatim, reply topic UTF-8, reply
   * partition a 4-byte big-endian int.
   */
  SPRING(
      HeaderNames.SPRING_CORRELATION_ID,
      HeaderNames.SPRING_REPLY_TOPIC,
      HeaderNames.SPRING_REPLY_PARTITION),
  /**
   * Zilla's http-kafka convention: {@code zilla:correlation-id}, {@code zilla:reply-to}, HTTP pseudo-headers,
   * reply status in {@code :status}. Zilla names no reply partition.
   */
  ZILLA(HeaderNames.ZILLA_CORRELATION_ID, HeaderNames.ZILLA_REPLY_TO, null);

  private final String correlationHeader;
  private final String replyTopicHeader;
  private final String replyPartitionHeader;

  Profile(String correlationHeader, String replyTopicHeader, String replyPartitionHeader) {
    this.correlationHeader = correlationHeader;
    this.replyTopicHeader = replyTopicHeader;
    this.replyPartitionHeader = replyPartitionHeader;
  }

  public String correlationHeader() {
    return correlationHeader;
  }

  public String replyTopicHeader() {
    return replyTopicHeader;
  }

  /** The header naming the reply partition, or {@code null} when the convention has none. */
  public String replyPartitionHeader() {
    return replyPartitionHeader;
  }

  /** The profile a request was written in, judged by its correlation header; {@code null} if none. */
  public static Profile detect(Headers headers) {
    for (Profile profile : values()) {
      if (headers.lastHeader(profile.correlationHeader) != null) {
        return profile;
      }
    }
    return null;
  }

  /** The correlation id of a reply in any profile, or {@code null} if it carries none. */
  public static String correlationIdOf(Headers headers) {
    for (Profile profile : values()) {
      Header header = headers.lastHeader(profile.correlationHeader);
      if (header != null && header.value() != null) {
        return new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  byte[] encodePartition(int partition) {
    if (this == SPRING) {
      return ByteBuffer.allocate(Integer.BYTES).putInt(partition).array();
    }
    return Integer.toString(partition).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a reply partition header. Spring's is a 4-byte int; a 4-byte value that is not a decimal string
   * is read as an int whatever the profile, so either encoding is understood.
   */
  int decodePartition(byte[] value) {
    if (this == SPRING || (value.length == Integer.BYTES && !isDecimal(value))) {
      if (value.length != Integer.BYTES) {
        throw new ProtocolException(replyPartitionHeader + " must be a 4-byte big-endian int");
      }
      return ByteBuffer.wrap(value).getInt();
    }
    return Codec.parseInt(replyPartitionHeader, value);
  }

  private static boolean isDecimal(byte[] value) {
    for (byte b : value) {
      if (b < '0' || b > '9') {
        return false;
      }
    }
    return true;
  }
}
