package io.courier.gateway.kafka;

/** Where a reply was read. */
public enum ReplySource {
  RESPONSE_TOPIC("response-topic"),
  FORWARD_TOPIC("forward-topic");

  private final String tag;

  ReplySource(String tag) {
    this.tag = tag;
  }

  /** The tag value in metrics. */
  public String tag() {
    return tag;
  }
}
