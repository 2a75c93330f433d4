package io.courier.examples.basket;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.examples.InvalidRequestException;
import io.courier.examples.JsonBodies;
import io.courier.examples.Problems;
import io.courier.examples.RunningService;
import io.courier.examples.store.KeyValueStore;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.RequestHandler;
import java.util.Optional;

/**
 * The basket service: {@code GET /baskets/{customerId}}, {@code PUT} and {@code DELETE
 * /baskets/{customerId}/items/{sku}}. Operations are told apart by method and by whether the {@code sku}
 * path parameter is present. Changes to baskets are serialised, so concurrent changes to one basket are
 * never lost. Thread-safe.
 */
public final class BasketService implements RequestHandler.SyncRequestHandler {
  public static final String NAME = "basket";
  public static final String REQUEST_TOPIC = "basket.requests";
  public static final String STATE_TOPIC = "basket.state";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KeyValueStore store;
  private final Object writeLock = new Object();

  public BasketService(KeyValueStore store) {
    this.store = store;
  }

  /** Loads {@value #STATE_TOPIC} and answers {@value #REQUEST_TOPIC} in group {@value #NAME}. */
  public static RunningService start(String bootstrapServers) {
    return RunningService.start(NAME, bootstrapServers, REQUEST_TOPIC, STATE_TOPIC, BasketService::new);
  }

  @Override
  public Reply handle(Request request) {
    Optional<String> customerId = JsonBodies.pathParam(request, "customerId");
    if (customerId.isEmpty()) {
      return Problems.invalid(new InvalidRequestException("customerId path parameter is required"));
    }
    Optional<String> sku = JsonBodies.pathParam(request, "sku");
    if (sku.isEmpty()) {
      return "GET".equals(request.method())
          ? Reply.ok(JsonBodies.write(MAPPER, basketOf(customerId.get())))
          : Problems.methodNotAllowed(request, "GET");
    }
    return switch (request.method()) {
      case "PUT" -> setQuantity(request, customerId.get(), sku.get());
      case "DELETE" -> removeItem(customerId.get(), sku.get());
      default -> Problems.methodNotAllowed(request, "PUT", "DELETE");
    };
  }

  private Reply setQuantity(Request request, String customerId, String sku) {
    int quantity;
    try {
      quantity = JsonBodies.positiveInt(JsonBodies.object(MAPPER, request), "quantity", "quantity");
    } catch (InvalidRequestException e) {
      return Problems.invalid(e);
    }
    synchronized (writeLock) {
      return save(basketOf(customerId).withQuantity(sku, quantity));
    }
  }

  private Reply removeItem(String customerId, String sku) {
    synchronized (writeLock) {
      Basket basket = basketOf(customerId);
      if (!basket.contains(sku)) {
        return Problems.notFound("Item not in basket", "Basket of " + customerId + " has no item " + sku);
      }
      return save(basket.without(sku));
    }
  }

  /** Stores the basket (an empty one as a removal, so the compacted topic forgets it) and replies with it. */
  private Reply save(Basket basket) {
    String json = JsonBodies.write(MAPPER, basket);
    if (basket.items().isEmpty()) {
      store.delete(basket.customerId());
    } else {
      store.put(basket.customerId(), json);
    }
    return Reply.ok(json);
  }

  private Basket basketOf(String customerId) {
    return store
        .get(customerId)
        .map(json -> JsonBodies.read(MAPPER, json, Basket.class))
        .orElseGet(() -> Basket.empty(customerId));
  }
}
