package io.courier.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.examples.InvalidRequestException;
import io.courier.examples.JsonBodies;
import io.courier.examples.Problems;
import io.courier.examples.RunningService;
import io.courier.examples.store.KeyValueStore;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.ReplyStream;
import io.courier.responder.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orders service: {@code POST /orders} creates an order, {@code GET /orders/{id}} returns one, {@code GET
 * /customers/{customerId}/orders} streams a customer's orders one by one (a streaming route: {@link
 * io.courier.responder.ReplyStream}). Operations are told apart by method and by which path parameter is
 * present. Thread-safe.
 */
public final class OrdersService implements RequestHandler.SyncRequestHandler {
  public static final String NAME = "orders";
  public static final String REQUEST_TOPIC = "orders.requests";
  public static final String STATE_TOPIC = "orders.state";

  private static final Logger LOGGER = LoggerFactory.getLogger(OrdersService.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KeyValueStore store;
  private final Supplier<String> newId;

  /** Orders with random UUID ids. */
  public OrdersService(KeyValueStore store) {
    this(store, () -> UUID.randomUUID().toString());
  }

  /** Orders with ids from {@code newId}, e.g. a fixed sequence in tests. */
  public OrdersService(KeyValueStore store, Supplier<String> newId) {
    this.store = store;
    this.newId = newId;
  }

  /** Loads {@value #STATE_TOPIC} and answers {@value #REQUEST_TOPIC} in group {@value #NAME}. */
  public static RunningService start(String bootstrapServers) {
    return RunningService.start(NAME, bootstrapServers, REQUEST_TOPIC, STATE_TOPIC, OrdersService::new);
  }

  @Override
  public Reply handle(Request request) {
    Optional<String> customerId = JsonBodies.pathParam(request, "customerId");
    if (customerId.isPresent()) {
      return "GET".equals(request.method()) ? ordersOf(customerId.get(), request) : Problems.methodNotAllowed(request, "GET");
    }
    Optional<String> id = JsonBodies.pathParam(request, "id");
    if (id.isPresent()) {
      return "GET".equals(request.method()) ? get(id.get()) : Problems.methodNotAllowed(request, "GET");
    }
    return "POST".equals(request.method()) ? create(request) : Problems.methodNotAllowed(request, "POST");
  }

  private Reply get(String id) {
    return store
        .get(id)
        .map(Reply::ok)
        .orElseGet(() -> Problems.notFound("Order not found", "No order with id " + id));
  }

  /**
   * Streams the customer's orders, one item each, then ends with 200; a request whose route does not stream
   * gets them as one array. The orders are in memory, so this handler may run on the poll thread.
   */
  private Reply ordersOf(String customerId, Request request) {
    List<String> orders = new ArrayList<>();
    for (String json : store.values()) {
      if (customerId.equals(JsonBodies.read(MAPPER, json, Order.class).customerId())) {
        orders.add(json);
      }
    }
    if (!request.streams()) {
      return Reply.ok("[" + String.join(",", orders) + "]");
    }
    ReplyStream stream = request.stream();
    orders.forEach(stream::send);
    return stream.end(200);
  }

  // Each order gets a new id, so creating one never races with another write: no lock needed.
  private Reply create(Request request) {
    Order order;
    try {
      order = parseNewOrder(JsonBodies.object(MAPPER, request), newId.get());
    } catch (InvalidRequestException e) {
      return Problems.invalid(e);
    }
    String json = JsonBodies.write(MAPPER, order);
    store.put(order.id(), json);
    LOGGER.debug("Order created orderId={} customerId={}", order.id(), order.customerId());
    return Reply.status(201).header("location", "/orders/" + order.id()).json(json);
  }

  /** The order a {@code POST /orders} body describes, with {@code id} and status {@code CREATED}. */
  static Order parseNewOrder(JsonNode body, String id) throws InvalidRequestException {
    String customerId = JsonBodies.requiredText(body, "customerId", "customerId");
    JsonNode items = body.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new InvalidRequestException("items is required and must be a non-empty array");
    }
    List<OrderItem> parsed = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String path = "items[" + i + "]";
      if (!item.isObject()) {
        throw new InvalidRequestException(path + " must be an object with sku and quantity");
      }
      parsed.add(
          new OrderItem(
              JsonBodies.requiredText(item, "sku", path + ".sku"),
              JsonBodies.positiveInt(item, "quantity", path + ".quantity")));
    }
    return new Order(id, customerId, parsed, OrderStatus.CREATED);
  }
}
