package io.courier.examples;

import io.courier.examples.store.CompactedTopicStore;
import io.courier.examples.store.KeyValueStore;
import io.courier.responder.GroupType;
import io.courier.responder.Responder;
import java.util.ArrayList;
import java.util.List;
import io.courier.responder.RequestHandler.SyncRequestHandler;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One example service at work: its state loaded from its compacted state topic and one or more {@link
 * Responder}s answering its request topic in the group named after the service: a consumer group, or a share
 * group whose instances may outnumber the partitions. Thread-safe.
 */
public final class RunningService implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(RunningService.class);

  private final String name;
  private final CompactedTopicStore store;
  private final List<Responder> responders;
  private final String deployment;

  private RunningService(String name, CompactedTopicStore store, List<Responder> responders, String deployment) {
    this.name = name;
    this.store = store;
    this.responders = List.copyOf(responders);
    this.deployment = deployment;
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
    return start(name, bootstrapServers, requestTopic, stateTopic, handlerFactory, GroupType.CONSUMER, 1);
  }

  /**
   * As {@link #start(String, String, String, String, Function)}, with {@code instances} responders in the
   * group of this type, sharing one state store (in one process, as the demo runs them; a real deployment
   * starts one per process).
   */
  public static RunningService start(
      String name,
      String bootstrapServers,
      String requestTopic,
      String stateTopic,
      Function<KeyValueStore, SyncRequestHandler> handlerFactory,
      GroupType groupType,
      int instances) {
    CompactedTopicStore store = CompactedTopicStore.open(bootstrapServers, stateTopic);
    List<Responder> responders = new ArrayList<>();
    try {
      SyncRequestHandler handler = handlerFactory.apply(store);
      for (int i = 0; i < instances; i++) {
        responders.add(
            Responder.builder()
                .bootstrapServers(bootstrapServers)
                .requestTopic(requestTopic)
                .groupId(name)
                .groupType(groupType)
                .maxInFlight(groupType == GroupType.SHARE ? 1 : 256)
                .syncHandler(handler)
                .build()
                .start());
      }
      String deployment = (groupType == GroupType.SHARE ? "share group" : "consumer group") + ", " + instances
          + (instances == 1 ? " instance" : " instances");
      LOGGER.info(
          "Service started service={} requestTopic={} stateTopic={} deployment={}", name, requestTopic, stateTopic, deployment);
      return new RunningService(name, store, responders, deployment);
    } catch (RuntimeException e) {
      responders.forEach(Responder::close);
      store.close();
      throw e;
    }
  }

  /** How it runs, for the demo's banner: {@code consumer group, 1 instance}, {@code share group, 4 instances}. */
  public String deployment() {
    return deployment;
  }

  public String name() {
    return name;
  }

  /** Whether every responder has partitions assigned (or, in a share group, polls) and is answering. */
  public boolean isRunning() {
    return responders.stream().allMatch(Responder::isRunning);
  }

  /** Stops answering (finishing requests in hand), then closes the state store. */
  @Override
  public void close() {
    try {
      responders.forEach(Responder::close);
    } finally {
      store.close();
    }
    LOGGER.info("Service stopped service={}", name);
  }
}
