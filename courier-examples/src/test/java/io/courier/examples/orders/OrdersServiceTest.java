package io.courier.examples.orders;

import static io.courier.examples.ReplyAssertions.assertProblem;
import static io.courier.examples.ReplyAssertions.body;
import static io.courier.examples.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.examples.store.InMemoryStore;
import io.courier.responder.Reply;
import io.courier.responder.Cancellation;
import io.courier.responder.ReplyStream;
import io.courier.responder.Request;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrdersServiceTest {
  private static final String NEW_ORDER = "{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}";
  private static final String ORDER_JSON =
      "{\"id\":\"o-1\",\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}],\"status\":\"CREATED\"}";

  private final InMemoryStore store = new InMemoryStore();
  private final OrdersService orders = new OrdersService(store, () -> "o-1");

  @Test
  void postCreatesTheOrderAndAnswers201WithItsLocation() {
    // When
    Reply reply = orders.handle(request("POST", "/orders", Map.of(), NEW_ORDER));

    // Then
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.headers())
        .containsEntry("location", "/orders/o-1")
        .containsEntry("content-type", "application/json");
    assertThat(body(reply)).isEqualTo(ORDER_JSON);
    assertThat(store.get("o-1")).contains(ORDER_JSON);
  }

  @Test
  void ordersGetRandomUuidIdsByDefault() {
    OrdersService withUuids = new OrdersService(store);

    Reply first = withUuids.handle(request("POST", "/orders", Map.of(), NEW_ORDER));
    Reply second = withUuids.handle(request("POST", "/orders", Map.of(), NEW_ORDER));

    String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    assertThat(first.headers().get("location")).matches("/orders/" + uuid);
    assertThat(second.headers().get("location")).isNotEqualTo(first.headers().get("location"));
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void aCustomersOrdersAreStreamedOneItemEachThenTheEnd() {
    // Given two orders of c-1001 and one of another customer
    OrdersService withUuids = new OrdersService(store);
    withUuids.handle(request("POST", "/orders", Map.of(), NEW_ORDER));
    withUuids.handle(request("POST", "/orders", Map.of(), NEW_ORDER));
    withUuids.handle(request("POST", "/orders", Map.of(), NEW_ORDER.replace("c-1001", "c-2002")));
    List<String> records = new CopyOnWriteArrayList<>();
    ReplyStream stream = new ReplyStream((sequence, end, value) -> {
      records.add(sequence + (end < 0 ? " " + new String(value, StandardCharsets.UTF_8) : " end " + end));
      return CompletableFuture.completedFuture(null);
    }, Cancellation.NEVER, Instant.MAX, Clock.systemUTC(), 4);
    Request plain = request("GET", "/customers/c-1001/orders", Map.of("customerId", "c-1001"));

    // When asked on a streaming route, and on one that does not stream
    Reply streamed = withUuids.handle(new Request(plain.envelope(), null, null, Cancellation.NEVER, stream, 1));
    Reply array = withUuids.handle(plain);

    // Then two items and the end; the same two orders as one array
    assertThat(stream.isStreamed(streamed)).isTrue();
    assertThat(records).hasSize(3).last().isEqualTo("2 end 200");
    assertThat(records.subList(0, 2)).allSatisfy(item -> assertThat(item).contains("\"customerId\":\"c-1001\""));
    assertThat(body(array)).startsWith("[{").contains("c-1001").doesNotContain("c-2002");
  }

  @Test
  void getReturnsAStoredOrder() {
    // Given
    orders.handle(request("POST", "/orders", Map.of(), NEW_ORDER));

    // When
    Reply reply = orders.handle(request("GET", "/orders/o-1", Map.of("id", "o-1")));

    // Then
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers()).containsEntry("content-type", "application/json");
    assertThat(body(reply)).isEqualTo(ORDER_JSON);
  }

  @Test
  void getOfAnUnknownOrderIs404() {
    Reply reply = orders.handle(request("GET", "/orders/o-9", Map.of("id", "o-9")));

    assertThat(assertProblem(reply, 404, "Order not found")).contains("o-9");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON                | {\"customerId\":                                                  | body is not valid JSON",
        "empty body              | ''                                                               | body must be a JSON object",
        "JSON array              | []                                                               | body must be a JSON object",
        "customerId missing      | {\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}                       | customerId",
        "customerId blank        | {\"customerId\":\" \",\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}  | customerId",
        "customerId not a string | {\"customerId\":7,\"items\":[{\"sku\":\"sku-1\",\"quantity\":2}]}      | customerId",
        "items missing           | {\"customerId\":\"c-1001\"}                                        | items",
        "items empty             | {\"customerId\":\"c-1001\",\"items\":[]}                             | items",
        "items not an array      | {\"customerId\":\"c-1001\",\"items\":{}}                             | items",
        "item not an object      | {\"customerId\":\"c-1001\",\"items\":[1]}                            | items[0]",
        "sku missing             | {\"customerId\":\"c-1001\",\"items\":[{\"quantity\":2}]}               | items[0].sku",
        "sku blank               | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"\",\"quantity\":2}]}  | items[0].sku",
        "quantity zero           | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":0}]} | items[1].quantity",
        "quantity negative       | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\",\"quantity\":-1}]} | items[0].quantity",
        "quantity fractional     | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\",\"quantity\":1.5}]} | items[0].quantity",
        "quantity a string       | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\",\"quantity\":\"2\"}]} | items[0].quantity",
        "quantity too large      | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\",\"quantity\":3000000000}]} | items[0].quantity",
        "quantity missing        | {\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"a\"}]}               | items[0].quantity",
      })
  void anInvalidNewOrderIs400NamingTheField(String caseName, String body, String namedInDetail) {
    Reply reply = orders.handle(request("POST", "/orders", Map.of(), body));

    assertThat(assertProblem(reply, 400, "Invalid request")).startsWith(namedInDetail);
    assertThat(store.size()).isZero();
  }

  @Test
  void otherMethodsOnTheCollectionAre405AllowingPost() {
    Reply reply = orders.handle(request("GET", "/orders", Map.of()));

    assertThat(assertProblem(reply, 405, "Method not allowed")).contains("GET", "/orders");
    assertThat(reply.headers()).containsEntry("allow", "POST");
  }

  @Test
  void otherMethodsOnAnOrderAre405AllowingGet() {
    Reply reply = orders.handle(request("DELETE", "/orders/o-1", Map.of("id", "o-1")));

    assertProblem(reply, 405, "Method not allowed");
    assertThat(reply.headers()).containsEntry("allow", "GET");
  }
}
