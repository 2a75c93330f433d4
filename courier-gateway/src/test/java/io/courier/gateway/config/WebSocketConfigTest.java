package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketConfigTest {
  private static GatewayConfig load(String websocket) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        %s
        services:
          - name: orders
            request-topic: orders.requests
            routes:
              - {method: GET, path: "/orders/{id}"}
        """.formatted(websocket));
  }

  @Test
  void socketsAreOffUnlessEnabled() {
    assertThat(load("").websocket()).isEqualTo(WebSocketConfig.OFF);
    assertThat(WebSocketConfig.OFF.enabled()).isFalse();
    assertThat(WebSocketConfig.OFF.path()).isEqualTo("/ws");
  }

  @Test
  void everySettingIsRead() {
    WebSocketConfig websocket =
        load("websocket: {enabled: true, path: /socket, max-frame-bytes: 4096, max-in-flight: 7, idle-timeout: 30s, max-sockets: 9,"
            + " allowed-origins: ['https://app.example.com', '*']}").websocket();

    assertThat(websocket)
        .isEqualTo(new WebSocketConfig(true, "/socket", 4096, 7, Duration.ofSeconds(30), 9, List.of("https://app.example.com", "*")));
  }

  @Test
  void aPathThatIsARoutesOrAManagementPathIsRefusedWithItsKey() {
    assertThatThrownBy(() -> load("websocket: {enabled: true, path: /orders/1}"))
        .hasMessageContaining("websocket.path").hasMessageContaining("route orders.GET /orders/{id}");
    assertThatThrownBy(() -> load("websocket: {enabled: true, path: /metrics}")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> load("websocket: {enabled: true, path: /results/x}")).hasMessageContaining("results.path");
    assertThatThrownBy(() -> load("websocket: {enabled: true, path: ws}")).hasMessageContaining("websocket.path");
    assertThatThrownBy(() -> load("websocket: {enabled: true, allowed-origins: [example.com]}")).hasMessageContaining("allowed-origins[0]");
    assertThatThrownBy(() -> load("websocket: {enabeld: true}")).hasMessageContaining("enabeld");
  }
}
