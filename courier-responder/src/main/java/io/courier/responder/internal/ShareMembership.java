package io.courier.responder.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeShareGroupsOptions;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this responder's share consumer has been given partitions: a share consumer has no {@code
 * assignment()} and calls no rebalance listener, so the responder asks the group coordinator (Admin API),
 * finding its member by client id. Until then a request may wait for the assignment, so {@link
 * io.courier.responder.Responder#isRunning()} stays false. Asked from the poll thread only, until the answer
 * is yes.
 */
final class ShareMembership implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ShareMembership.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final Admin admin;
  private final String groupId;
  private final String clientId;

  ShareMembership(Admin admin, String groupId, String clientId) {
    this.admin = admin;
    this.groupId = groupId;
    this.clientId = clientId;
  }

  /** Whether the group has a member with this client id and partitions; false when it cannot tell. */
  boolean assigned() {
    try {
      ShareGroupDescription group = admin
          .describeShareGroups(List.of(groupId), new DescribeShareGroupsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
          .all()
          .get(CALL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .get(groupId);
      return group != null && group.members().stream()
          .anyMatch(member -> clientId.equals(member.clientId()) && !member.assignment().topicPartitions().isEmpty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOGGER.debug("Could not describe the share group groupId={} error={}", groupId, String.valueOf(e));
      return false;
    }
  }

  @Override
  public void close() {
    admin.close(CALL_TIMEOUT);
  }
}
