package io.courier.cli.demo;

import io.courier.examples.ExampleServices;

import java.util.List;

/**
 * The curl commands the demo prints, each with what it answers. The README shows the same commands, and
 * {@code DemoIT} runs them against a live demo, so all three stay true together.
 */
public final class DemoScript {
  /** Stands for the order id taken from the {@code Location} of the order just created. */
  public static final String ORDER_ID = "<order-id>";

  /** Stands for the result id taken from the {@code Location} of the async order just accepted. */
  public static final String RESULT_ID = "<result-id>";

  /** The API key of the demo's protected route (its SHA-256 is in {@code courier-demo.yaml}). */
  public static final String API_KEY = "demo-key-4b1f0c9e";

  /** The Idempotency-Key of the retried order. */
  public static final String IDEMPOTENCY_KEY = "order-7";

  /**
   * One command to try.
   *
   * @param comment what it shows
   * @param command the shell command
   * @param answers a fragment of what it prints
   */
  public record Step(String comment, String command, String answers) {}

  /** How a step runs the WebSocket client of the courier command line. */
  public static final String COURIER_WS = "./courier ws ";

  private DemoScript() {}

  public static List<Step> steps(int port) {
    String base = "localhost:" + port;
    String json = " -H 'content-type: application/json'";
    String order = "{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-42\",\"quantity\":2}]}";
    String keyed = " -H 'Idempotency-Key: \"" + IDEMPOTENCY_KEY + "\"'";
    return List.of(
        new Step("A seeded customer", "curl -s " + base + "/customers/c-1001", "\"name\":\"Ada Lovelace\""),
        new Step("An unknown customer: a 404 problem from the service", "curl -s " + base + "/customers/c-9999", "\"status\":404"),
        new Step(
            "Put two of sku-42 in Ada's basket",
            "curl -s -X PUT " + base + "/baskets/c-1001/items/sku-42" + json + " -d '{\"quantity\":2}'",
            "{\"sku\":\"sku-42\",\"quantity\":2}"),
        new Step("Look at the basket", "curl -s " + base + "/baskets/c-1001", "\"customerId\":\"c-1001\""),
        new Step(
            "Place an order: 201 Created with a Location",
            "curl -si -X POST " + base + "/orders" + json
                + " -d '{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-42\",\"quantity\":2}]}'",
            "201 Created"),
        new Step("Fetch the order by the id in that Location", "curl -s " + base + "/orders/" + ORDER_ID, "\"status\":\"CREATED\""),
        new Step(
            "Event-driven: answered once the order-validation service has VALIDATED the order in orders.state, not when the orders service replies",
            "curl -s -w ' %{http_code}\\n' -X POST " + base + "/orders/validated" + json
                + " -d '{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-42\",\"quantity\":1}]}'",
            "\"status\":\"VALIDATED\"} 201"),
        new Step(
            "Only one sku-7 in stock: 409 once the order is FAILED, its record as the problem's detail",
            "curl -s -w ' %{http_code}\\n' -X POST " + base + "/orders/validated" + json
                + " -d '{\"customerId\":\"c-1001\",\"items\":[{\"sku\":\"sku-7\",\"quantity\":5}]}'",
            "\"state\":\"FAILED\"} 409"),
        new Step(
            "Long-poll the first order's state until it is VALIDATED (answered at once if it is already; at most 10 s)",
            "curl -s '" + base + "/orders/" + ORDER_ID + "/state?state=VALIDATED'",
            "\"status\":\"VALIDATED\""),
        new Step(
            "An async order: 202 Accepted once Kafka has it, and a Location for its result",
            "curl -si -X POST " + base + "/orders" + json + " -H 'Prefer: respond-async' -d '" + order + "'",
            "202 Accepted"),
        new Step(
            "Its result, from any gateway instance: the service's own 201 (Prefer: wait=5 long-polls if it is not there yet)",
            "curl -si -H 'Prefer: wait=5' " + base + "/results/" + RESULT_ID,
            "201 Created"),
        new Step(
            "A retried order with an Idempotency-Key: the same order twice, and one record in orders.requests",
            "for i in 1 2; do curl -s -X POST " + base + "/orders" + json + keyed + " -d '" + order + "'; echo; done | uniq -c",
            "      2 {\"id\":"),
        new Step(
            "The same key with another body: a 422 problem, nothing produced",
            "curl -s -X POST " + base + "/orders" + json + keyed + " -d '{\"customerId\":\"c-1001\",\"items\":[]}'",
            "urn:courier:problem:idempotency-key-reused"),
        new Step(
            "Ada's orders streamed one by one as NDJSON: a line per order, then the end line with the final status",
            "curl -sN " + base + "/customers/c-1001/orders -H 'Accept: application/x-ndjson'",
            "{\"courier-stream-end\":{\"status\":200,\"items\":"),
        new Step(
            "The same stream as Server-Sent Events: id is the item's sequence number, the last event is end",
            "curl -sN " + base + "/customers/c-1001/orders -H 'Accept: text/event-stream'",
            "event: end"),
        new Step(
            "The same orders as one JSON array, for a caller that asks for neither",
            "curl -s " + base + "/customers/c-1001/orders",
            "[{\"id\":\""),
        new Step(
            "Removing a basket item needs the demo's API key: without it, a 401 problem, nothing produced",
            "curl -s -X DELETE " + base + "/baskets/c-1001/items/sku-42", "urn:courier:problem:unauthorized"),
        new Step(
            "With the key (the configuration holds only its SHA-256); the service learns the caller as courier-identity: demo-shop",
            "curl -s -X DELETE " + base + "/baskets/c-1001/items/sku-42 -H 'x-api-key: " + API_KEY + "'", "\"items\":[]"),
        new Step(
            "Over a WebSocket: two requests on one socket, each answer a frame with its request's id (courier ws uses the JDK's client)",
            COURIER_WS + "ws://" + base + "/ws '{\"id\":\"1\",\"method\":\"GET\",\"path\":\"/customers/c-1001\"}'"
                + " '{\"id\":\"2\",\"method\":\"GET\",\"path\":\"/customers/c-9999\"}'",
            "{\"id\":\"1\",\"status\":200"),
        new Step(
            "Ada's orders streamed over the socket: a frame per order (seq), then the end frame with the final status",
            COURIER_WS + "ws://" + base + "/ws '{\"id\":\"o\",\"method\":\"GET\",\"path\":\"/customers/c-1001/orders\"}'",
            "{\"id\":\"o\",\"status\":200,\"end\":{\"status\":200,\"items\":"),
        new Step("A path no route serves: a 404 problem from the gateway", "curl -s " + base + "/nowhere", "urn:courier:problem:route-not-found"),
        new Step("A path that cannot be read: a 400 problem, at once", "curl -s -m 5 " + base + "/customers/%ZZ", "urn:courier:problem:malformed-request"),
        new Step("HEAD wherever GET is: the status and headers, no body", "curl -sI " + base + "/customers/c-1001", "content-type: application/json"),
        new Step(
            "Expect: 100-continue is answered at once (curl would wait 10 s, and -m 5 stop it, if it were not)",
            "curl -s -m 5 --expect100-timeout 10 -X PUT " + base + "/baskets/c-1001/items/sku-42" + json
                + " -H 'Expect: 100-continue' -d '{\"quantity\":3}'",
            "{\"sku\":\"sku-42\",\"quantity\":3}"),
        new Step("Readiness: both consumers positioned, the results and state topics read", "curl -s " + base + "/ready", "READY"),
        new Step("Prometheus metrics", "curl -s " + base + "/metrics | grep '^courier_replies_total'", "courier_replies_total{outcome=\"matched\",source=\"response-topic\"}"));
  }

  /**
   * The same commands against a gateway serving TLS with the self-signed {@code certificate}: {@code https://}
   * and {@code curl --cacert <certificate>}, so curl checks the gateway's certificate against it.
   */
  public static List<Step> steps(int port, java.nio.file.Path certificate) {
    if (certificate == null) {
      return steps(port);
    }
    String base = "localhost:" + port;
    return steps(port).stream()
        .map(step -> new Step(step.comment(),
            step.command().startsWith(COURIER_WS)
                ? step.command().replace(COURIER_WS, COURIER_WS + "--cacert " + certificate + " ").replace("ws://" + base, "wss://" + base)
                : step.command().replace("curl ", "curl --cacert " + certificate + " ").replace(base, "https://" + base),
            step.answers()))
        .toList();
  }

  /** What {@code courier demo} prints once everything is up. */
  public static String banner(Demo demo) {
    StringBuilder text =
        new StringBuilder()
            .append("\nCourier demo is up: gateway on ")
            .append(demo.certificate() == null ? "http" : "https")
            .append("://localhost:")
            .append(demo.httpPort())
            .append(", Kafka on ")
            .append(demo.bootstrapServers())
            .append("\nServices: ")
            .append(String.join(", ", demo.serviceDeployments()))
            .append(" on ").append(ExampleServices.REQUEST_TOPIC_PARTITIONS).append(" partitions each;")
            .append(" a share group lets customers run more instances than partitions");
    if (demo.certificate() != null) {
      text.append("\nTLS with a self-signed certificate for localhost, made for this run: ").append(demo.certificate())
          .append("\n(curl trusts it with --cacert; it is deleted when the demo stops)");
    }
    text.append("\nTry:\n");
    for (Step step : steps(demo.httpPort(), demo.certificate())) {
      text.append("\n  # ").append(step.comment()).append("\n  ").append(step.command()).append('\n');
    }
    return text.append("\nCtrl-C stops everything.\n").toString();
  }
}
