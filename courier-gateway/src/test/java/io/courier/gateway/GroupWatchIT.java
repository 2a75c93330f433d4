package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.EchoResponders;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Responder;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the gateway learns by watching consumer groups: whether a service has responders, and whether its own id is unique. */
@ExtendWith(EmbeddedKafkaExtension.class)
class GroupWatchIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: watch.responses
      services:
        - name: echo
          request-topic: watch.requests
          responder-group: watch-echo
          timeout: 5s
          routes:
            - {name: echo.post, method: POST, path: /echo}
      """;

  @Test
  void aServiceWithoutRespondersIsAnswered503AtOnceAndServedAgainWhenOneJoins(EmbeddedKafka kafka) {
    kafka.createTopic("watch.requests", 2);
    GatewayTester.createResponseTopic(kafka, "watch.responses", 2);
    try (GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("watch-gw"))) {
      // given no responder in group watch-echo: refused at once, not after the 5 s timeout (a request sent
      // between the last responder leaving and the next look at the group, every 2 s, waits for it: 504)
      HttpResponse<String> refused = awaitStatus(gateway, 503);
      assertThat(refused.body()).contains("urn:courier:problem:no-responders");
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
      assertThat(gateway.counter("courier.errors", "route", "echo.post", "error", "no-responders")).isPositive();

      // when a responder joins, it is served
      Responder echo = EchoResponders.start(kafka.bootstrapServers(), "watch.requests", "watch-echo", 0);
      try {
        assertThat(awaitStatus(gateway, 200).body()).isEqualTo("ping");
      } finally {
        echo.close();
      }

      // and when the last one leaves, refused at once again
      assertThat(awaitStatus(gateway, 503).body()).contains("no-responders");
    }
  }

  @Test
  void aServiceAnsweringInAShareGroupHasResponders(EmbeddedKafka kafka) {
    kafka.createTopic("watch.share.requests", 2);
    GatewayTester.createResponseTopic(kafka, "watch.share.responses", 2);
    String yaml = YAML.formatted("share-gw")
        .replace("watch.responses", "watch.share.responses")
        .replace("watch.requests", "watch.share.requests")
        .replace("watch-echo", "watch-share-echo");
    Responder echo = Responder.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .requestTopic("watch.share.requests")
        .groupId("watch-share-echo")
        .groupType(io.courier.responder.GroupType.SHARE)
        .syncHandler(request -> io.courier.responder.Reply.status(200).body("text/plain", request.body()))
        .build()
        .start();
    await().atMost(Duration.ofSeconds(30)).until(echo::isRunning);
    try (GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // the share group's member counts: served, never refused as no-responders
      assertThat(awaitStatus(gateway, 200).body()).isEqualTo("ping");
      assertThat(gateway.counter("courier.errors", "route", "echo.post", "error", "no-responders")).isZero();
    } finally {
      echo.close();
    }
  }

  @Test
  void aSecondInstanceWithTheSameIdWaitsUntilTheFirstHasLeft(EmbeddedKafka kafka) {
    kafka.createTopic("watch.dup.requests", 1);
    GatewayTester.createResponseTopic(kafka, "watch.dup.responses", 2);
    String yaml =
        YAML.formatted("dup-gw")
            .replace("watch.responses", "watch.dup.responses")
            .replace("watch.requests", "watch.dup.requests")
            .replaceAll(" *responder-group: watch-echo\n", "");
    try (GatewayTester first = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // when a second instance starts with the same instance-id
      GatewayTester second = GatewayTester.startUnready(kafka.bootstrapServers(), yaml);
      try {
        // then it does not join the group: not ready, saying why; the first stays ready
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(second.get("/ready").body()).contains("instance id in use"));
        assertThat(first.get("/ready").statusCode()).isEqualTo(200);

        // and once the first has left, the second takes over
        first.gateway().close(Duration.ZERO);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.get("/ready").statusCode() == 200);
      } finally {
        second.close();
      }
    }
  }

  private static HttpResponse<String> awaitStatus(GatewayTester gateway, int status) {
    HttpResponse<String>[] last = new HttpResponse[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      last[0] = gateway.send("POST", "/echo", "ping");
      return last[0].statusCode() == status;
    });
    return last[0];
  }
}
