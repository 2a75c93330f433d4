package io.courier.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.config.AccessLogConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  private static final AccessLog.Request REQUEST =
      new AccessLog.Request(Instant.parse("2026-12-01T10:00:00.123Z"), "POST", "/orders/{id}", "orders.create", 201, 2_500_000,
          42, 126, "gw-1.abc", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  @Test
  void aLineHasEveryFieldInOrderByDefault() {
    AccessLog log = new AccessLog(new AccessLogConfig(true, 1, AccessLogConfig.FIELDS, null), "gw-1", line -> {});

    assertThat(log.line(REQUEST)).isEqualTo(
        "{\"time\":\"2026-12-01T10:00:00.123Z\",\"instance\":\"gw-1\",\"method\":\"POST\",\"path\":\"/orders/{id}\","
            + "\"route\":\"orders.create\",\"status\":201,\"duration_ms\":2.5,\"bytes_in\":42,\"bytes_out\":126,"
            + "\"correlation_id\":\"gw-1.abc\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}");
    log.close();
  }

  @Test
  void onlyTheConfiguredFieldsAreWrittenInTheirOrder() {
    AccessLog log = new AccessLog(new AccessLogConfig(true, 1, List.of("status", "route"), null), "gw-1", line -> {});

    assertThat(log.line(REQUEST)).isEqualTo("{\"status\":201,\"route\":\"orders.create\"}");
    log.close();
  }

  @Test
  void aTraceIdIsTakenOnlyFromAWellFormedTraceparent() {
    assertThat(AccessLog.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(AccessLog.traceId(null)).isNull();
    assertThat(AccessLog.traceId("secret-token")).isNull();
    assertThat(AccessLog.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).as("upper case is invalid").isNull();
    assertThat(AccessLog.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).as("all zero is invalid").isNull();
  }

  @Test
  void aSampleOfZeroLogsNothingAndOneLogsEverything() {
    AccessLog none = new AccessLog(new AccessLogConfig(true, 0, AccessLogConfig.FIELDS, null), "gw-1", line -> {});
    AccessLog all = new AccessLog(new AccessLogConfig(true, 1, AccessLogConfig.FIELDS, null), "gw-1", line -> {});

    for (int i = 0; i < 1000; i++) {
      assertThat(none.sampled()).isFalse();
      assertThat(all.sampled()).isTrue();
    }
    none.close();
    all.close();
  }

  @Test
  void linesAreWrittenOffTheCallersThreadAndDroppedWhenTheWriterFallsBehind() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog(new AccessLogConfig(true, 1, List.of("status"), null), "gw-1", line -> {
      threads.add(Thread.currentThread().getName());
      try {
        stuck.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(line);
    });

    for (int i = 0; i < AccessLog.QUEUE + 10; i++) {
      log.record(REQUEST); // never blocks, however slow the writer
    }
    assertThat(log.dropped()).isBetween(9L, 10L);

    stuck.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> written.size() + log.dropped() == AccessLog.QUEUE + 10);
    assertThat(threads).containsOnly("courier-access-log");
    log.close();
  }
}
