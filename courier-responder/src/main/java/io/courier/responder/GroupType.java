package io.courier.responder;

/**
 * How the instances of a service share the requests of its request topic; chosen per service with {@link
 * Responder.Builder#groupType(GroupType)}.
 */
public enum GroupType {
  /**
   * A Kafka consumer group (the default): each partition is read by one instance, so requests with the same
   * record key are handled one after another, in the order they were sent. A service scales to at most as many
   * busy instances as the request topic has partitions, and one slow request holds up the requests behind it
   * in its partition. Choose it when requests to one entity must not overtake each other (an order's state
   * machine).
   */
  CONSUMER,

  /**
   * A Kafka share group (KIP-932, "queues for Kafka", Kafka 4.2 and later): every instance may take any record
   * of any partition, so a service scales past the partition count and a slow request holds up no other. There
   * is no order at all: two requests for one key may run at once on two instances, and a request released
   * for another try is redelivered after later ones. Each record is acknowledged on its own, by the rules of
   * {@link Responder}: choose it for stateless or idempotent commands.
   */
  SHARE
}
