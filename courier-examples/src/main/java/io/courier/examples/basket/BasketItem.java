package io.courier.examples.basket;

/** One line of a basket: {@code {"sku":"sku-1","quantity":2}}. */
public record BasketItem(String sku, int quantity) {}
