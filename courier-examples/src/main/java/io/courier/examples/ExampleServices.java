package io.courier.examples;

import io.courier.examples.basket.BasketService;
import io.courier.examples.customers.CustomersService;
import io.courier.examples.orders.OrdersService;
import io.courier.examples.store.Topics;
import io.courier.examples.validation.OrderChecks;
import io.courier.examples.validation.OrderValidationService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three example services (orders, customers, basket) in one process, as the demo runs them. Each answers
 * its own request topic in a group named after it (orders and basket: consumer groups, which keep each
 * entity's commands in order; customers, read-only: a share group with more instances than partitions) and
 * keeps its state in its own compacted topic, so it finds its state again after a restart. Beside them, the
 * order-validation service reacts to the orders service's events ({@link OrderValidationService}). Thread-safe.
 */
public final class ExampleServices implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ExampleServices.class);

  /** Partitions of each request topic created by {@link #start}. */
  public static final int REQUEST_TOPIC_PARTITIONS = 3;

  /** The request topics, for gateway routes: orders, customers, basket. */
  public static final List<String> REQUEST_TOPICS =
      List.of(OrdersService.REQUEST_TOPIC, CustomersService.REQUEST_TOPIC, BasketService.REQUEST_TOPIC);

  private static final List<Function<String, RunningService>> SERVICES =
      List.of(OrdersService::start, CustomersService::start, BasketService::start);

  private final List<RunningService> services;
  private final OrderValidationService validation;

  private ExampleServices(List<RunningService> services, OrderValidationService validation) {
    this.services = List.copyOf(services);
    this.validation = validation;
  }

  /**
   * Creates the request topics ({@value #REQUEST_TOPIC_PARTITIONS} partitions each) unless they exist, loads
   * each service's state and starts the three services. Returns once they are started; {@link #isRunning()}
   * tells when all of them have their partitions.
   */
  public static ExampleServices start(String bootstrapServers) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Topics.createIfMissing(
          admin,
          REQUEST_TOPICS.stream()
              .map(topic -> new NewTopic(topic, Optional.of(REQUEST_TOPIC_PARTITIONS), Optional.empty()))
              .toList());
    }
    List<RunningService> started = new ArrayList<>();
    OrderValidationService validation;
    try {
      for (Function<String, RunningService> service : SERVICES) {
        started.add(service.apply(bootstrapServers));
      }
      // After the orders service, which creates the topic it reads.
      validation = OrderValidationService.start(bootstrapServers, new OrderChecks(OrderChecks.DEMO_STOCK));
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
    LOGGER.info("Example services started requestTopics={}", REQUEST_TOPICS);
    return new ExampleServices(started, validation);
  }

  /** Each service's name and how it runs: {@code customers (share group, 4 instances)}. */
  public List<String> deployments() {
    return services.stream().map(service -> service.name() + " (" + service.deployment() + ")").toList();
  }

  /** Whether every service has its partitions assigned and is answering. */
  public boolean isRunning() {
    return services.stream().allMatch(RunningService::isRunning) && validation.isRunning();
  }

  /** Stops the services, each finishing the requests in hand. Idempotent. */
  @Override
  public void close() {
    validation.close();
    closeAll(services);
  }

  private static void closeAll(List<RunningService> services) {
    RuntimeException failure = null;
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
