package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamConfigTest {
  private static GatewayConfig load(String route) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        services:
          - name: s
            request-topic: t
            routes:
              - {method: GET, path: /a %s}
              - {method: POST, path: /a}
        """.formatted(route));
  }

  @Test
  void aStreamBlockMakesTheRouteStreamWithItsLimitsOrTheDefaults() {
    GatewayConfig config =
        load(", stream: {idle-timeout: 2s, max-duration: 1m, max-assembled-bytes: 4096, buffer-bytes: 2048}");

    assertThat(config.routes().get(0).stream())
        .isEqualTo(new StreamConfig(Duration.ofSeconds(2), Duration.ofMinutes(1), 4096, 2048));
    assertThat(config.routes().get(1).streams()).isFalse();
    assertThat(load(", stream: {}").routes().get(0).stream()).isEqualTo(StreamConfig.defaults());
  }

  @Test
  void badStreamBlocksAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> load(", stream: yes")).hasMessageContaining("routes[0].stream: must be a mapping");
    assertThatThrownBy(() -> load(", stream: {idle-timeout: 0s}")).hasMessageContaining("stream.idle-timeout: must be between");
    assertThatThrownBy(() -> load(", stream: {idle-timeout: 5s, max-duration: 1s}")).hasMessageContaining("max-duration must be at least idle-timeout");
    assertThatThrownBy(() -> load(", stream: {buffer-bytes: 10}")).hasMessageContaining("stream.buffer-bytes: must be between 1024");
    assertThatThrownBy(() -> load(", stream: {window: 5}")).hasMessageContaining("unknown key");
    assertThatThrownBy(() -> load(", stream: {}, idempotency: optional")).hasMessageContaining("cannot use idempotency keys");
    assertThatThrownBy(() -> load(", stream: {}, state: {mode: query, topic: st, entity: \"header:x-id\", field: \"value:/status\", answers: {DONE: 200}}"))
        .hasMessageContaining("routes[0]").hasMessageContaining("cannot also wait for an entity's state");
  }
}
