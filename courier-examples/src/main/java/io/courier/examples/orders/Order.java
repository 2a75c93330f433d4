package io.courier.examples.orders;

import java.util.List;

/**
 * An order as stored and returned: {@code {"id":..,"customerId":..,"items":[{"sku":..,"quantity":..}],
 * "status":"CREATED"}}.
 */
public record Order(String id, String customerId, List<OrderItem> items, OrderStatus status) {
  public Order {
    items = List.copyOf(items);
  }
}
