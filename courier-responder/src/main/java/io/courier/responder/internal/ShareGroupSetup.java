package io.courier.responder.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the share group's settings a responder depends on before it joins, with the Admin API (group configs
 * are kept by the broker, not sent by the consumer). Idempotent: every instance sets the same values at start.
 */
final class ShareGroupSetup {
  private static final Logger LOGGER = LoggerFactory.getLogger(ShareGroupSetup.class);

  /**
   * {@code share.auto.offset.reset=earliest}: a share group starts at the end of the topic by default, which
   * would skip every request produced before the group first existed (the service's first start, or a topic
   * created by the gateway's operator ahead of it).
   */
  static final Map<String, String> GROUP_CONFIGS = Map.of("share.auto.offset.reset", "earliest");

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ShareGroupSetup() {}

  /**
   * Applies {@link #GROUP_CONFIGS} to the responder's group. A refusal (no {@code ALTER_CONFIGS} permission on
   * the group, an older broker) is logged at WARN and the responder starts anyway: the operator can set them.
   */
  static void apply(KafkaClients clients, ResponderLoop.Settings settings) {
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, settings.groupId());
    List<AlterConfigOp> ops = GROUP_CONFIGS.entrySet().stream()
        .map(entry -> new AlterConfigOp(new ConfigEntry(entry.getKey(), entry.getValue()), AlterConfigOp.OpType.SET))
        .toList();
    Admin admin = clients.admin(KafkaClients.adminConfig(settings));
    try {
      admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOGGER.warn(
          "Could not set the share group's configs; requests produced before the group existed may be skipped"
              + " groupId={} configs={} error={}",
          settings.groupId(), GROUP_CONFIGS, String.valueOf(e instanceof ExecutionException ? e.getCause() : e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admin.close(TIMEOUT);
    }
  }
}
