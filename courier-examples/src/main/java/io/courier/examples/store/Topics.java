package io.courier.examples.store;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics the example services need; the broker is never trusted to create them itself. */
public final class Topics {
  private Topics() {}

  /**
   * Creates each topic unless it exists already; an existing topic is left as it is.
   *
   * @return the names of the topics this call created
   * @throws StoreException if a topic could not be created
   */
  public static Set<String> createIfMissing(Admin admin, Collection<NewTopic> topics) {
    CreateTopicsResult result = admin.createTopics(List.copyOf(topics));
    Set<String> created = new HashSet<>();
    for (NewTopic topic : topics) {
      try {
        result.values().get(topic.name()).get();
        created.add(topic.name());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new StoreException("cannot create topic " + topic.name(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while creating topic " + topic.name(), e);
      }
    }
    return created;
  }
}
