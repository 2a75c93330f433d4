package io.courier.gateway.config;

/**
 * How the gateway instances sharing a response topic divide its partitions, and where replies that reach
 * the wrong instance are forwarded. See {@code docs/adr/0002-reply-ownership-and-forwarding.md}.
 *
 * @param mode {@link Mode#GROUP} or {@link Mode#STATIC}
 * @param groupId group mode: the consumer group every instance on this response topic joins
 * @param instanceIndex static mode: this instance's index, {@code 0 <= instanceIndex < instanceCount}
 * @param instanceCount static mode: how many instances share the response topic
 * @param forwardTopic where an instance puts a reply whose correlation id names another instance
 */
public record ReplyOwnership(Mode mode, String groupId, int instanceIndex, int instanceCount, String forwardTopic) {

  public enum Mode {
    /** Partitions are assigned by a Kafka consumer group and move when instances join or leave. */
    GROUP,
    /** Instance {@code k} of {@code n} reads partitions {@code p} with {@code p % n == k}; nothing moves. */
    STATIC
  }
}
