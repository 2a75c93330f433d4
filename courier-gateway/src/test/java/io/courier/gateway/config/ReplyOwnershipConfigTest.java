package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyOwnershipConfigTest {
  private static final String SERVICES =
      """
      services:
        - {name: orders, request-topic: orders.requests, routes: [{method: GET, path: /orders}]}
      """;

  private static GatewayConfig load(String kafka) {
    return ConfigLoader.parse("kafka:\n  bootstrap-servers: localhost:9092\n" + kafka + SERVICES);
  }

  @Test
  void byDefaultInstancesShareTheResponseTopicThroughAGroupNamedAfterIt() {
    ReplyOwnership replies = load("  response-topic: gw.replies\n").kafka().replies();

    assertThat(replies.mode()).isEqualTo(ReplyOwnership.Mode.GROUP);
    assertThat(replies.groupId()).isEqualTo("courier-gateway-gw.replies");
    assertThat(replies.forwardTopic()).isEqualTo("gw.replies.forwards");
  }

  @Test
  void staticOwnershipTakesAnIndexAndACount() {
    ReplyOwnership replies =
        load("  replies: {ownership: static, instance-index: 1, instance-count: 3, forward-topic: fw}\n").kafka().replies();

    assertThat(replies.mode()).isEqualTo(ReplyOwnership.Mode.STATIC);
    assertThat(replies.instanceIndex()).isEqualTo(1);
    assertThat(replies.instanceCount()).isEqualTo(3);
    assertThat(replies.forwardTopic()).isEqualTo("fw");
  }

  @Test
  void staticOwnershipWithoutIndexOrCountIsRefused() {
    assertThatThrownBy(() -> load("  replies: {ownership: static, instance-count: 3}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.replies")
        .hasMessageContaining("instance-index and instance-count");
  }

  @Test
  void anIndexNotBelowTheCountIsRefused() {
    assertThatThrownBy(() -> load("  replies: {ownership: static, instance-index: 3, instance-count: 3}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.replies.instance-index")
        .hasMessageContaining("below instance-count (3)");
  }

  @Test
  void settingsOfTheOtherModeAreRefused() {
    assertThatThrownBy(() -> load("  replies: {instance-index: 0}\n"))
        .hasMessageContaining("kafka.replies.instance-index: only applies with ownership: static");
    assertThatThrownBy(() -> load("  replies: {ownership: static, instance-index: 0, instance-count: 1, group-id: g}\n"))
        .hasMessageContaining("kafka.replies.group-id: only applies with ownership: group");
  }

  @Test
  void anUnknownModeIsRefused() {
    assertThatThrownBy(() -> load("  replies: {ownership: broadcast}\n"))
        .hasMessageContaining("kafka.replies.ownership: must be group or static");
  }

  @Test
  void theForwardTopicMustNotBeTheResponseTopic() {
    assertThatThrownBy(() -> load("  response-topic: r\n  replies: {forward-topic: r}\n"))
        .hasMessageContaining("kafka.replies.forward-topic: must differ from the response topic");
  }
}
