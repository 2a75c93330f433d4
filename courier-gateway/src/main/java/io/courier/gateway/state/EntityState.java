package io.courier.gateway.state;

/**
 * The latest state of one entity, as its last record on the state topic says.
 *
 * @param entity the entity id (the record key, UTF-8)
 * @param state the state's name, read where the topic's routes say ({@code state.field})
 * @param value the record's value; shared, do not modify
 */
public record EntityState(String entity, String state, byte[] value) {}
