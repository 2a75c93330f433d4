package io.courier.examples.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.examples.orders.Order;
import io.courier.examples.orders.OrderItem;
import io.courier.examples.orders.OrderStatus;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The order-validation service's rules: the fraud rule, the inventory check, and the records it writes. */
class OrderChecksTest {
  private static Order order(OrderItem... items) {
    return new Order("o-1", "c-1001", List.of(items), OrderStatus.CREATED);
  }

  @Test
  void anOrderInStockPassesAndReservesItsItems() {
    OrderChecks checks = new OrderChecks(Map.of("sku-42", 5));

    assertThat(checks.failure(order(new OrderItem("sku-42", 2), new OrderItem("sku-42", 1)))).isNull();

    assertThat(checks.inStock("sku-42")).isEqualTo(2);
  }

  @Test
  void anOrderWithMoreThanIsInStockFailsAndReservesNothing() {
    OrderChecks checks = new OrderChecks(Map.of("sku-42", 5, "sku-7", 1));

    assertThat(checks.failure(order(new OrderItem("sku-42", 2), new OrderItem("sku-7", 3))))
        .isEqualTo("not enough stock: 3 of sku-7 wanted, 1 left");

    assertThat(checks.inStock("sku-42")).isEqualTo(5);
    assertThat(checks.failure(order(new OrderItem("unknown", 1)))).contains("0 left");
  }

  @Test
  void theFraudRuleRefusesAnOrderOfTooManyItemsWhateverTheStock() {
    OrderChecks checks = new OrderChecks(Map.of("sku-42", 1000));

    assertThat(checks.failure(order(new OrderItem("sku-42", OrderChecks.MAX_ITEMS + 1)))).startsWith("fraud check:");
    assertThat(checks.inStock("sku-42")).isEqualTo(1000);
  }

  @Test
  void aCreatedOrderIsWrittenAgainWithItsVerdictAndAnyOtherRecordIsLeftAlone() throws Exception {
    OrderChecks checks = new OrderChecks(Map.of("sku-7", 1));
    String created = "{\"id\":\"o-1\",\"customerId\":\"c-1\",\"items\":[{\"sku\":\"sku-7\",\"quantity\":2}],\"status\":\"CREATED\"}";

    ProducerRecord<String, String> verdict = verdictOf(checks, created);

    assertThat(verdict.topic()).isEqualTo("orders.state");
    assertThat(verdict.key()).isEqualTo("o-1");
    assertThat(verdict.value()).contains("\"status\":\"FAILED\"").contains("\"reason\":\"not enough stock: 2 of sku-7 wanted, 1 left\"")
        .contains("\"customerId\":\"c-1\"");
    assertThat(verdictOf(checks, verdict.value())).as("its own verdict is not validated again").isNull();
    assertThat(verdictOf(checks, null)).isNull();
    assertThat(verdictOf(checks, "not json")).isNull();
  }

  private static ProducerRecord<String, String> verdictOf(OrderChecks checks, String value) {
    return OrderValidationService.verdictOf(checks, new ConsumerRecord<>("orders.state", 0, 0, "o-1", value));
  }
}
