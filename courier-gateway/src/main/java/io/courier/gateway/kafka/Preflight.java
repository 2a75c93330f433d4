package io.courier.gateway.kafka;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.ReplyOwnership;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What {@code courier check} checks before a gateway is started, with the messages start-up would give: that
 * Kafka takes the settings of every client the gateway makes, and, against a cluster, that every topic it
 * needs is there with enough partitions. Stateless.
 */
public final class Preflight {
  private static final long ADMIN_TIMEOUT_SECONDS = 10;

  /**
   * What the cluster says about a configuration.
   *
   * @param problems what would keep the gateway from ever being ready (as {@code /ready} would say it)
   * @param warnings what works but is risky
   */
  public record Findings(List<String> problems, List<String> warnings) {
    public Findings {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  private Preflight() {}

  /**
   * Makes and closes the producer and each consumer the gateway makes, which is where Kafka checks their
   * settings ({@code kafka.client} among them). Opens no connection. (The admin client is left out: it
   * connects as soon as it is made, and it takes only {@code kafka.client}, which the others check too.)
   *
   * @throws ConfigException as {@code Gateway.start} would: {@code kafka settings of the <client>: <reason>}
   */
  public static void clients(GatewayConfig config) {
    String id = config.instanceId();
    KafkaClients.create("producer", KafkaClients.producer(config.kafka(), id), KafkaProducer<byte[], byte[]>::new).close();
    KafkaClients.create("reply consumer", KafkaClients.replyConsumer(config.kafka(), id), KafkaConsumer<byte[], byte[]>::new).close();
    KafkaClients.create("whole-topics consumer", KafkaClients.wholeTopicsConsumer(config.kafka(), id), KafkaConsumer<byte[], byte[]>::new).close();
  }

  /** The state topics of the event-driven routes (ADR 0004), without repeats. */
  private static Set<String> stateTopics(GatewayConfig config) {
    Set<String> topics = new LinkedHashSet<>();
    config.routes().stream().map(io.courier.gateway.config.RouteConfig::state).filter(java.util.Objects::nonNull)
        .forEach(state -> topics.add(state.topic()));
    return topics;
  }

  /** Every topic the gateway needs: request topics, the response, forward and results topics, state topics. */
  public static Set<String> topics(GatewayConfig config) {
    Set<String> topics = new LinkedHashSet<>(config.requestTopics());
    topics.add(config.kafka().responseTopic());
    topics.add(config.kafka().replies().forwardTopic());
    if (config.results().enabled()) {
      topics.add(config.results().topic());
    }
    topics.addAll(stateTopics(config));
    return topics;
  }

  /**
   * Checks the cluster for this configuration: every topic exists; static ownership has a partition for each
   * instance; the results topic is compacted, deleted and kept at least {@code results.retention}; each state
   * topic is compacted.
   *
   * @throws KafkaException when the cluster cannot be asked (unreachable, not authorized to describe)
   */
  public static Findings cluster(GatewayConfig config, Admin admin) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> missing = new TopicCheck(admin, topics(config)).missingTopics();
    if (!missing.isEmpty()) {
      problems.add("topics do not exist: " + String.join(", ", new TreeSet<>(missing)));
      return new Findings(problems, warnings);
    }
    ReplyOwnership replies = config.kafka().replies();
    if (replies.mode() == ReplyOwnership.Mode.STATIC) {
      int partitions = describe(admin, config.kafka().responseTopic()).partitions().size();
      try {
        StaticAssignment.partitions(replies.instanceIndex(), replies.instanceCount(), partitions);
        String uneven = StaticAssignment.unevenWarning(replies.instanceCount(), partitions);
        if (uneven != null) {
          warnings.add(uneven);
        }
      } catch (IllegalStateException e) {
        problems.add(e.getMessage());
      }
    }
    if (config.results().enabled()) {
      warnings.addAll(resultsTopicWarnings(config, admin));
    }
    for (String topic : stateTopics(config)) {
      String policy = cleanupPolicy(topicSettings(admin, topic));
      if (!policy.contains("compact")) {
        warnings.add("state topic " + topic + " has cleanup.policy=" + policy + "; compact keeps the latest state of each"
            + " entity, which every instance reads whole at start-up, and nothing older");
      }
    }
    return new Findings(problems, warnings);
  }

  private static List<String> resultsTopicWarnings(GatewayConfig config, Admin admin) {
    String topic = config.results().topic();
    Config settings = topicSettings(admin, topic);
    List<String> warnings = new ArrayList<>();
    String policy = cleanupPolicy(settings);
    if (!policy.contains("compact") || !policy.contains("delete")) {
      warnings.add("results topic " + topic + " has cleanup.policy=" + policy
          + "; compact,delete keeps one record per result and removes them after the retention");
    }
    String retention = settings.get("retention.ms") == null ? null : settings.get("retention.ms").value();
    if (retention != null && !retention.equals("-1") && Long.parseLong(retention) < config.results().retention().toMillis()) {
      warnings.add("results topic " + topic + " keeps records for retention.ms=" + retention
          + ", less than results.retention (" + config.results().retention().toMillis() + " ms): a restarted instance"
          + " would not find the older results");
    }
    return warnings;
  }

  private static Config topicSettings(Admin admin, String topic) {
    return await(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all())
        .get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
  }

  private static String cleanupPolicy(Config settings) {
    return settings.get("cleanup.policy") == null ? "" : settings.get("cleanup.policy").value();
  }

  private static TopicDescription describe(Admin admin, String topic) {
    Map<String, TopicDescription> described = await(admin.describeTopics(List.of(topic)).allTopicNames());
    return described.get(topic);
  }

  private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("no answer from the cluster in " + ADMIN_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }
}
