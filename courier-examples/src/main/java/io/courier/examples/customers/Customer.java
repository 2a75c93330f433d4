package io.courier.examples.customers;

/** A customer as stored and returned: {@code {"id":"c-1001","name":"Ada Lovelace","email":"ada@example.com"}}. */
public record Customer(String id, String name, String email) {}
