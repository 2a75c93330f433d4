package io.courier.examples.orders;

/** One line of an order: {@code {"sku":"sku-1","quantity":2}}. */
public record OrderItem(String sku, int quantity) {}
