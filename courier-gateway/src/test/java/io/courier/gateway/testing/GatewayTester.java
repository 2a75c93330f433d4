package io.courier.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on a free port against the test broker, with an HTTP client pointed at it. The YAML may
 * use {@code ${bootstrap}}. After every test ({@link NothingLeftInFlight}) and on {@link #close()} it checks
 * that no request was left pending and no route slot held.
 */
public final class GatewayTester implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** Testers not closed yet: {@link NothingLeftInFlight} checks them after every test. */
  static final Set<GatewayTester> OPEN = ConcurrentHashMap.newKeySet();

  private final Gateway gateway;

  private GatewayTester(Gateway gateway) {
    this.gateway = gateway;
    OPEN.add(this);
  }

  /**
   * Creates a response topic, its forward topic ({@code <topic>.forwards}) and its results topic ({@code
   * <topic>.results}, compact,delete), the default names.
   */
  public static void createResponseTopic(EmbeddedKafka kafka, String topic, int partitions) {
    kafka.createTopic(topic, partitions);
    kafka.createTopic(topic + ".forwards", 1);
    kafka.createTopic(topic + ".results", 3, RESULTS_TOPIC_CONFIG);
  }

  /** The settings a results topic is created with (docs/operations.md). */
  public static final java.util.Map<String, String> RESULTS_TOPIC_CONFIG =
      java.util.Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(Duration.ofHours(1).toMillis()));

  /** Starts the gateway and waits until it is ready. */
  public static GatewayTester start(String bootstrapServers, String yaml) {
    return ready(startUnready(bootstrapServers, yaml));
  }

  /** Starts a gateway whose request spans go to {@code openTelemetry}, and waits until it is ready. */
  public static GatewayTester start(String bootstrapServers, String yaml, io.opentelemetry.api.OpenTelemetry openTelemetry) {
    return ready(new GatewayTester(Gateway.start(ConfigLoader.parse(yaml.replace("${bootstrap}", bootstrapServers)), openTelemetry)));
  }

  private static GatewayTester ready(GatewayTester tester) {
    try {
      tester.gateway.whenReady().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      tester.gateway.close(Duration.ZERO);
      throw new IllegalStateException("gateway not ready: " + tester.gateway.notReadyReason(), e);
    }
    return tester;
  }

  /** Starts the gateway without waiting for Kafka. */
  public static GatewayTester startUnready(String bootstrapServers, String yaml) {
    String resolved = yaml.replace("${bootstrap}", bootstrapServers);
    return new GatewayTester(Gateway.start(ConfigLoader.parse(resolved)));
  }

  public Gateway gateway() {
    return gateway;
  }

  public URI uri(String path) {
    return URI.create("http://localhost:" + gateway.httpPort() + path);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> send(String method, String path, String body, String... headers) {
    return send(request(method, path, body, headers));
  }

  public CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body, String... headers) {
    return HTTP.sendAsync(request(method, path, body, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("HTTP request failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String method, String path, String body, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder;
  }

  /** The sum of the counters with this name and these tags (all values of the tags not given). */
  public double counter(String name, String... tags) {
    return Search.in(gateway.meterRegistry()).name(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Waits up to {@code within} until no request is pending and no route slot is held; fails otherwise. */
  public void awaitNothingInFlight(Duration within) {
    await("no request left pending and no route slot held on " + gateway.instanceId())
        .atMost(within)
        .until(() -> gateway.pendingRequests() == 0 && gateway.requestsInFlight() == 0);
  }

  /** Waits for requests in flight to finish, then stops the gateway; fails if any stayed. */
  @Override
  public void close() {
    OPEN.remove(this);
    try {
      awaitNothingInFlight(Duration.ofSeconds(30));
    } finally {
      gateway.close(Duration.ZERO);
    }
  }
}
