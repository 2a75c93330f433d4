package io.courier.examples.customers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.examples.JsonBodies;
import io.courier.examples.Problems;
import io.courier.examples.RunningService;
import io.courier.responder.GroupType;
import io.courier.examples.store.KeyValueStore;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.RequestHandler;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customers service, read-only: {@code GET /customers/{id}}. Its state topic is seeded with three
 * customers the first time it starts. Thread-safe.
 */
public final class CustomersService implements RequestHandler.SyncRequestHandler {
  public static final String NAME = "customers";
  public static final String REQUEST_TOPIC = "customers.requests";
  public static final String STATE_TOPIC = "customers.state";

  /** The customers a new state topic starts with. */
  public static final List<Customer> SEED =
      List.of(
          new Customer("c-1001", "Ada Lovelace", "ada@example.com"),
          new Customer("c-1002", "Alan Turing", "alan@example.com"),
          new Customer("c-1003", "Grace Hopper", "grace@example.com"));

  private static final Logger LOGGER = LoggerFactory.getLogger(CustomersService.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KeyValueStore store;

  public CustomersService(KeyValueStore store) {
    this.store = store;
  }

  /** Writes each {@link #SEED} customer that {@code store} does not hold yet, then serves {@code store}. */
  public static CustomersService seeded(KeyValueStore store) {
    int written = 0;
    for (Customer customer : SEED) {
      if (store.get(customer.id()).isEmpty()) {
        store.put(customer.id(), JsonBodies.write(MAPPER, customer));
        written++;
      }
    }
    if (written > 0) {
      LOGGER.info("Customers seeded count={}", written);
    }
    return new CustomersService(store);
  }

  /**
   * Instances started by {@link #start}: more than the request topic's partitions, which a share group allows
   * and a consumer group does not.
   */
  public static final int INSTANCES = 4;

  /**
   * Loads {@value #STATE_TOPIC}, seeds it if new, and answers {@value #REQUEST_TOPIC} with {@value #INSTANCES}
   * responders in share group {@value #NAME}: a lookup needs no per-key order, so it may use a share group and
   * run more instances than partitions.
   */
  public static RunningService start(String bootstrapServers) {
    return RunningService.start(
        NAME, bootstrapServers, REQUEST_TOPIC, STATE_TOPIC, CustomersService::seeded, GroupType.SHARE, INSTANCES);
  }

  @Override
  public Reply handle(Request request) {
    Optional<String> id = JsonBodies.pathParam(request, "id");
    if (id.isEmpty() || !"GET".equals(request.method())) {
      return Problems.methodNotAllowed(request, "GET");
    }
    return store
        .get(id.get())
        .map(Reply::ok)
        .orElseGet(() -> Problems.notFound("Customer not found", "No customer with id " + id.get()));
  }
}
