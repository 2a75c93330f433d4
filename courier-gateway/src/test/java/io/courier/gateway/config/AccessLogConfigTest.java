package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogConfigTest {
  private static GatewayConfig load(String accessLog) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        %s
        services:
          - {name: s, request-topic: t, routes: [{method: GET, path: /a}]}
        """.formatted(accessLog));
  }

  @Test
  void theAccessLogIsOffByDefault() {
    assertThat(load("").accessLog()).isEqualTo(AccessLogConfig.OFF);
  }

  @Test
  void everySettingIsRead() {
    AccessLogConfig log = load("access-log: {enabled: true, sample: 0.25, fields: [status, route], file: /var/log/courier.log}").accessLog();

    assertThat(log).isEqualTo(new AccessLogConfig(true, 0.25, List.of("status", "route"), Path.of("/var/log/courier.log")));
  }

  @Test
  void aSampleOutsideZeroToOneOrAnUnknownFieldIsRefused() {
    assertThatThrownBy(() -> load("access-log: {sample: 1.5}")).hasMessageContaining("access-log.sample: must be a number from 0 to 1, was \"1.5\"");
    assertThatThrownBy(() -> load("access-log: {sample: often}")).hasMessageContaining("access-log.sample");
    assertThatThrownBy(() -> load("access-log: {fields: [status, body]}"))
        .hasMessageContaining("access-log.fields[1]: must be one of time, instance, method, path");
  }
}
