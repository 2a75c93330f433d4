package io.courier.examples.customers;

import static io.courier.examples.ReplyAssertions.assertProblem;
import static io.courier.examples.ReplyAssertions.body;
import static io.courier.examples.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.examples.store.InMemoryStore;
import io.courier.responder.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomersServiceTest {
  private final InMemoryStore store = new InMemoryStore();

  @Test
  void aNewStoreIsSeededWithThreeCustomers() {
    // When
    CustomersService.seeded(store);

    // Then
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.get("c-1001")).contains("{\"id\":\"c-1001\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
    assertThat(store.get("c-1002")).contains("{\"id\":\"c-1002\",\"name\":\"Alan Turing\",\"email\":\"alan@example.com\"}");
    assertThat(store.get("c-1003")).contains("{\"id\":\"c-1003\",\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\"}");
  }

  @Test
  void seedingKeepsCustomersAlreadyStored() {
    // Given
    String changed = "{\"id\":\"c-1001\",\"name\":\"Ada King\",\"email\":\"ada@example.com\"}";
    store.put("c-1001", changed);

    // When
    CustomersService.seeded(store);

    // Then
    assertThat(store.get("c-1001")).contains(changed);
    assertThat(store.size()).isEqualTo(3);
  }

  @Test
  void getReturnsACustomer() {
    CustomersService customers = CustomersService.seeded(store);

    Reply reply = customers.handle(request("GET", "/customers/c-1001", Map.of("id", "c-1001")));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers()).containsEntry("content-type", "application/json");
    assertThat(body(reply)).isEqualTo("{\"id\":\"c-1001\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
  }

  @Test
  void getOfAnUnknownCustomerIs404() {
    CustomersService customers = CustomersService.seeded(store);

    Reply reply = customers.handle(request("GET", "/customers/c-9", Map.of("id", "c-9")));

    assertThat(assertProblem(reply, 404, "Customer not found")).contains("c-9");
  }

  @Test
  void otherMethodsAre405AllowingGet() {
    CustomersService customers = CustomersService.seeded(store);

    Reply reply = customers.handle(request("PUT", "/customers/c-1001", Map.of("id", "c-1001"), "{}"));

    assertProblem(reply, 405, "Method not allowed");
    assertThat(reply.headers()).containsEntry("allow", "GET");
    assertThat(store.size()).isEqualTo(3);
  }
}
