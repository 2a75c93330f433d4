package io.courier.examples.basket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A customer's basket as stored and returned: {@code {"customerId":"c-1001","items":[{"sku":..,"quantity":..}]}},
 * at most one item per sku, items sorted by sku. Immutable.
 */
public record Basket(String customerId, List<BasketItem> items) {
  public Basket {
    items = items.stream().sorted(Comparator.comparing(BasketItem::sku)).toList();
  }

  public static Basket empty(String customerId) {
    return new Basket(customerId, List.of());
  }

  public boolean contains(String sku) {
    return items.stream().anyMatch(item -> item.sku().equals(sku));
  }

  /** This basket with {@code sku} at {@code quantity}, added or replaced. */
  public Basket withQuantity(String sku, int quantity) {
    List<BasketItem> changed = new ArrayList<>(without(sku).items);
    changed.add(new BasketItem(sku, quantity));
    return new Basket(customerId, changed);
  }

  /** This basket without {@code sku}. */
  public Basket without(String sku) {
    return new Basket(customerId, items.stream().filter(item -> !item.sku().equals(sku)).toList());
  }
}
