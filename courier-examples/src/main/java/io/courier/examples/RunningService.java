package io.courier.examples;

import io.courier.examples.store.CompactedTopicStore;
import io.courier.examples.store.KeyValueStore;
import io.courier.responder.Responder;
import io.courier.responder.RequestHandler.SyncRequestHandler;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One example service at work: its state loaded from its compacted state topic and a {@link Responder}
 * answering its request topic in the consumer group named after the service. Thread-safe.
 */
public final class RunningService implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(RunningService.class);

  private final String name;
  private final CompactedTopicStore store;
  private final Responder responder;

  private RunningService(String name, CompactedTopicStore store, Responder responder) {
    this.name = name;
    this.store = store;
    this.responder = responder;
  }

  /**
   * Loads the state topic, builds the handler over it and starts answering; returns once the responder is
   * started (not necessarily assigned partitions yet: see {@link #isRunning()}).
   */
  public static RunningService start(
      String name,
      String bootstrapServers,
      String requestTopic,
      String stateTopic,
      Function<KeyValueStore, SyncRequestHandler> handlerFactory) {
    CompactedTopicStore store = CompactedTopicStore.open(bootstrapServers, stateTopic);
    try {
      Responder responder =
          Responder.builder()
              .bootstrapServers(bootstrapServers)
              .requestTopic(requestTopic)
              .groupId(name)
              .syncHandler(handlerFactory.apply(store))
              .build()
              .start();
      LOGGER.info("Service started service={} requestTopic={} stateTopic={}", name, requestTopic, stateTopic);
      return new RunningService(name, store, responder);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** Whether the responder has partitions assigned and is answering. */
  public boolean isRunning() {
    return responder.isRunning();
  }

  /** Stops answering (finishing requests in hand), then closes the state store. */
  @Override
  public void close() {
    try {
      responder.close();
    } finally {
      store.close();
    }
    LOGGER.info("Service stopped service={}", name);
  }
}
