/**
 * The library a service uses to answer the requests Courier puts on its request topic.
 *
 * <pre>{@code
 * try (Responder responder = Responder.builder()
 *     .bootstrapServers("localhost:9092")
 *     .requestTopic("orders.requests")
 *     .groupId("orders")
 *     .syncHandler(request -> Reply.ok("{\"id\":\"" + request.pathParam("id").orElseThrow() + "\"}"))
 *     .build()) {
 *   responder.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link io.courier.responder.Responder} consumes the request topic in a consumer group, hands each
 * request to the handler, produces the {@link io.courier.responder.Reply} to the topic and partition the
 * request names, and commits offsets only once replies are acknowledged. It answers requests written in any
 * {@link io.courier.protocol.Profile}. Types in {@code internal} are not API.
 */
package io.courier.responder;
