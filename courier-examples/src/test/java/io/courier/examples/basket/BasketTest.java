package io.courier.examples.basket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BasketTest {

  @Test
  void itemsAreKeptSortedBySku() {
    Basket basket = Basket.empty("c-1").withQuantity("sku-b", 1).withQuantity("sku-c", 3).withQuantity("sku-a", 2);

    assertThat(basket.items())
        .containsExactly(new BasketItem("sku-a", 2), new BasketItem("sku-b", 1), new BasketItem("sku-c", 3));
  }

  @Test
  void settingTheQuantityOfAnItemReplacesIt() {
    Basket basket = Basket.empty("c-1").withQuantity("sku-a", 2).withQuantity("sku-a", 5);

    assertThat(basket.items()).containsExactly(new BasketItem("sku-a", 5));
  }

  @Test
  void removingAnItemKeepsTheOthers() {
    Basket basket = new Basket("c-1", List.of(new BasketItem("sku-a", 1), new BasketItem("sku-b", 2)));

    Basket after = basket.without("sku-a");

    assertThat(after.items()).containsExactly(new BasketItem("sku-b", 2));
    assertThat(after.contains("sku-a")).isFalse();
    assertThat(basket.contains("sku-a")).isTrue();
  }
}
