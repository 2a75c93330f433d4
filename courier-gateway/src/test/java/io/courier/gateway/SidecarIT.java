package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sidecar mode: each service has its own gateway with its own response topic, configured for that service
 * alone. The sidecars share the cluster and nothing else: neither reads the other's replies.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SidecarIT {
  private static final String SIDECAR =
      """
      instance-id: %1$s-sidecar
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: %1$s.responses
      services:
        - name: %1$s
          request-topic: %1$s.requests
          routes:
            - {method: GET, path: "/%1$s/{id}", key: "path:id"}
      """;

  @Test
  void eachSidecarAnswersItsOwnServiceAndReadsOnlyItsOwnReplies(EmbeddedKafka kafka) {
    for (String service : List.of("stock", "prices")) {
      kafka.createTopic(service + ".requests", 1);
      GatewayTester.createResponseTopic(kafka, service + ".responses", 1);
    }
    try (FakeService stock = new FakeService(kafka.bootstrapServers(), "stock.requests");
        FakeService prices = new FakeService(kafka.bootstrapServers(), "prices.requests");
        GatewayTester stockSidecar = GatewayTester.start(kafka.bootstrapServers(), SIDECAR.formatted("stock"));
        GatewayTester pricesSidecar = GatewayTester.start(kafka.bootstrapServers(), SIDECAR.formatted("prices"))) {
      stock.answer(request -> List.of(FakeService.reply(request, 200, "12 in stock")));
      prices.answer(request -> List.of(FakeService.reply(request, 200, "9.99")));

      assertThat(stockSidecar.get("/stock/sku-1").body()).isEqualTo("12 in stock");
      assertThat(pricesSidecar.get("/prices/sku-1").body()).isEqualTo("9.99");
      assertThat(stockSidecar.get("/prices/sku-1").statusCode()).isEqualTo(404);
      assertThat(stockSidecar.counter("courier.replies")).isEqualTo(1);
      assertThat(pricesSidecar.counter("courier.replies")).isEqualTo(1);
    }
  }
}
