package io.courier.examples.validation;

import io.courier.examples.orders.Order;
import io.courier.examples.orders.OrderItem;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks of the order-validation service, after Confluent's microservices example (its {@code
 * InventoryService} and {@code FraudService}): a fraud rule (no order of more than {@value #MAX_ITEMS} items in
 * all) and an inventory check (every item in stock; a validated order reserves its items). Not thread-safe:
 * one validation thread owns it.
 */
public final class OrderChecks {
  /** The most items one order may hold before the fraud rule refuses it. */
  public static final int MAX_ITEMS = 20;

  /** What the demo's warehouse holds at start: plenty of sku-42, a single sku-7. */
  public static final Map<String, Integer> DEMO_STOCK = Map.of("sku-42", 1000, "sku-7", 1, "sku-99", 50);

  private final Map<String, Integer> stock;

  /** @param stock units in stock per SKU; a SKU not listed has none */
  public OrderChecks(Map<String, Integer> stock) {
    this.stock = new HashMap<>(stock);
  }

  /** The verdict on {@code order}: {@code null} when it passes (and its items are reserved), else why it fails. */
  public String failure(Order order) {
    int items = order.items().stream().mapToInt(OrderItem::quantity).sum();
    if (items > MAX_ITEMS) {
      return "fraud check: " + items + " items in one order, more than " + MAX_ITEMS;
    }
    Map<String, Integer> wanted = new HashMap<>();
    order.items().forEach(item -> wanted.merge(item.sku(), item.quantity(), Integer::sum));
    for (Map.Entry<String, Integer> item : wanted.entrySet()) {
      int left = stock.getOrDefault(item.getKey(), 0);
      if (left < item.getValue()) {
        return "not enough stock: " + item.getValue() + " of " + item.getKey() + " wanted, " + left + " left";
      }
    }
    wanted.forEach((sku, quantity) -> stock.merge(sku, -quantity, Integer::sum));
    return null;
  }

  /** Units of {@code sku} left. */
  public int inStock(String sku) {
    return stock.getOrDefault(sku, 0);
  }
}
