package io.courier.gateway.kafka;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

/**
 * Checks that every configured topic exists. Every request to a missing topic would wait on its publisher
 * lane for {@code max.block.ms} and then fail; so the gateway is not ready until all exist.
 */
public final class TopicCheck {
  private final Admin admin;
  private final List<String> topics;

  public TopicCheck(Admin admin, Collection<String> topics) {
    this.admin = admin;
    this.topics = List.copyOf(new java.util.LinkedHashSet<>(topics));
  }

  /**
   * The configured topics that do not exist.
   *
   * @throws KafkaException if the cluster cannot be asked
   */
  public Set<String> missingTopics() {
    try {
      Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
      Set<String> missing = new HashSet<>(topics);
      missing.removeAll(existing);
      return missing;
    } catch (ExecutionException e) {
      throw new KafkaException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("no answer from the cluster in 5 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }
}
