package io.courier.examples.basket;

import static io.courier.examples.ReplyAssertions.assertProblem;
import static io.courier.examples.ReplyAssertions.body;
import static io.courier.examples.ReplyAssertions.json;
import static io.courier.examples.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.examples.store.InMemoryStore;
import io.courier.responder.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasketServiceTest {
  private final InMemoryStore store = new InMemoryStore();
  private final BasketService baskets = new BasketService(store);

  @Test
  void putSetsTheQuantityOfAnItemAndReturnsTheBasket() {
    // When
    Reply reply = put("c-1001", "sku-1", "{\"quantity\":2}");

    // Then
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers()).containsEntry("content-type", "application/json");
    assertThat(body(reply)).isEqualTo("{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}");
    assertThat(store.get("c-1001")).contains(body(reply));
  }

  @Test
  void putReplacesTheQuantityAndKeepsItemsSortedBySku() {
    // Given
    put("c-1001", "sku-2", "{\"quantity\":1}");
    put("c-1001", "sku-1", "{\"quantity\":2}");

    // When
    Reply reply = put("c-1001", "sku-2", "{\"quantity\":7}");

    // Then
    assertThat(body(reply))
        .isEqualTo(
            "{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2},{\"sku\":\"sku-2\",\"quantity\":7}]}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"quantity\":0}", "{\"quantity\":-3}", "{\"quantity\":1.5}", "{\"quantity\":\"2\"}", "{}"})
  void putWithAQuantityThatIsNotAPositiveIntegerIs400(String body) {
    Reply reply = put("c-1001", "sku-1", body);

    assertThat(assertProblem(reply, 400, "Invalid request")).startsWith("quantity");
    assertThat(store.size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"quantity=2", "{\"quantity\":", ""})
  void putWithABodyThatIsNotAJsonObjectIs400(String body) {
    Reply reply = put("c-1001", "sku-1", body);

    assertThat(assertProblem(reply, 400, "Invalid request")).startsWith("body");
  }

  @Test
  void getReturnsTheBasket() {
    put("c-1001", "sku-1", "{\"quantity\":2}");

    Reply reply = baskets.handle(request("GET", "/baskets/c-1001", Map.of("customerId", "c-1001")));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(body(reply)).isEqualTo("{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}");
  }

  @Test
  void getOfACustomerWithoutBasketReturnsAnEmptyOne() {
    Reply reply = baskets.handle(request("GET", "/baskets/c-1002", Map.of("customerId", "c-1002")));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(body(reply)).isEqualTo("{\"customerId\":\"c-1002\",\"items\":[]}");
  }

  @Test
  void deleteRemovesTheItemAndReturnsTheBasket() {
    // Given
    put("c-1001", "sku-1", "{\"quantity\":2}");
    put("c-1001", "sku-2", "{\"quantity\":1}");

    // When
    Reply reply = delete("c-1001", "sku-1");

    // Then
    assertThat(reply.status()).isEqualTo(200);
    assertThat(body(reply)).isEqualTo("{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-2\",\"quantity\":1}]}");
    assertThat(store.get("c-1001")).contains(body(reply));
  }

  @Test
  void deletingTheLastItemForgetsTheBasket() {
    put("c-1001", "sku-1", "{\"quantity\":2}");

    Reply reply = delete("c-1001", "sku-1");

    assertThat(body(reply)).isEqualTo("{\"customerId\":\"c-1001\",\"items\":[]}");
    assertThat(store.get("c-1001")).isEmpty();
  }

  @Test
  void deleteOfAnItemNotInTheBasketIs404() {
    put("c-1001", "sku-1", "{\"quantity\":2}");

    Reply reply = delete("c-1001", "sku-9");

    assertThat(assertProblem(reply, 404, "Item not in basket")).contains("c-1001", "sku-9");
  }

  @Test
  void otherMethodsOnTheBasketAre405AllowingGet() {
    Reply reply = baskets.handle(request("POST", "/baskets/c-1001", Map.of("customerId", "c-1001"), "{}"));

    assertProblem(reply, 405, "Method not allowed");
    assertThat(reply.headers()).containsEntry("allow", "GET");
  }

  @Test
  void otherMethodsOnAnItemAre405AllowingPutAndDelete() {
    Reply reply =
        baskets.handle(
            request("GET", "/baskets/c-1001/items/sku-1", Map.of("customerId", "c-1001", "sku", "sku-1")));

    assertProblem(reply, 405, "Method not allowed");
    assertThat(reply.headers()).containsEntry("allow", "PUT, DELETE");
  }

  @Test
  void concurrentChangesToOneBasketAreAllKept() throws Exception {
    // Given
    int skus = 50;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      // When
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < skus; i++) {
        String sku = String.format("sku-%02d", i);
        replies.add(pool.submit(() -> put("c-1001", sku, "{\"quantity\":1}")));
      }
      for (Future<Reply> reply : replies) {
        assertThat(reply.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    // Then
    Reply basket = baskets.handle(request("GET", "/baskets/c-1001", Map.of("customerId", "c-1001")));
    assertThat(json(basket).get("items")).hasSize(skus);
  }

  private Reply put(String customerId, String sku, String body) {
    return baskets.handle(
        request(
            "PUT",
            "/baskets/" + customerId + "/items/" + sku,
            Map.of("customerId", customerId, "sku", sku),
            body));
  }

  private Reply delete(String customerId, String sku) {
    return baskets.handle(
        request("DELETE", "/baskets/" + customerId + "/items/" + sku, Map.of("customerId", customerId, "sku", sku)));
  }
}
