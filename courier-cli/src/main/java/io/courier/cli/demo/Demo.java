package io.courier.cli.demo;

import io.courier.examples.ExampleServices;
import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import io.courier.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Everything {@code courier demo} runs, in one process: an embedded broker on a free port, the example
 * services, and the gateway. {@link #close()} stops them in reverse order.
 */
public final class Demo implements AutoCloseable {
  /** Partitions of the gateway's response topic in the demo. */
  static final int RESPONSE_PARTITIONS = 4;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedKafka kafka;
  private final ExampleServices services;
  private final Gateway gateway;
  /** The self-signed certificate the gateway serves, or {@code null} for plain HTTP. */
  private final SelfSigned tls;

  private Demo(EmbeddedKafka kafka, ExampleServices services, Gateway gateway, SelfSigned tls) {
    this.kafka = kafka;
    this.services = services;
    this.gateway = gateway;
    this.tls = tls;
  }

  /**
   * Starts all three parts and returns once the services have their partitions and the gateway is ready. The
   * gateway starts last, so its port opens only when the services can answer: a caller that waits for {@code
   * /ready} is not answered 504 by a service still joining its group.
   */
  public static Demo start(int httpPort) {
    return start(httpPort, false);
  }

  /**
   * Starts all three parts, the gateway over TLS with a new self-signed certificate for {@code localhost}
   * when {@code tls}, and returns once the services have their partitions and the gateway is ready (in that
   * order, as {@link #start(int)}).
   */
  public static Demo start(int httpPort, boolean tls) {
    SelfSigned certificate = tls ? SelfSigned.create() : null;
    EmbeddedKafka kafka = EmbeddedKafka.start();
    ExampleServices services = null;
    Gateway gateway = null;
    try {
      kafka.createTopic("courier.responses", RESPONSE_PARTITIONS);
      kafka.createTopic("courier.responses.forwards", 1);
      // Async results and idempotency keys: compacted, and deleted after the retention window (ADR 0003).
      kafka.createTopic("courier.responses.results", RESPONSE_PARTITIONS,
          java.util.Map.of("cleanup.policy", "compact,delete", "retention.ms", Long.toString(java.time.Duration.ofHours(1).toMillis())));
      services = ExampleServices.start(kafka.bootstrapServers());
      // The services first: the customers' share group takes seconds to be assigned its partition on a new
      // broker, and a request sent before that waits past the route's 2 s timeout (a 504 right after /ready).
      await(services::isRunning, () -> "the example services have no partitions yet");
      String yaml =
          config().replace("${bootstrap}", kafka.bootstrapServers()).replace("${port}", Integer.toString(httpPort));
      if (certificate != null) {
        yaml = yaml.replace("\nhttp:\n", "\nhttp:\n  tls: {certificate: \"" + certificate.certificate() + "\", key: \"" + certificate.key() + "\"}\n");
      }
      gateway = Gateway.start(ConfigLoader.parse(yaml));
      await(gateway::isReady, gateway::notReadyReason);
      return new Demo(kafka, services, gateway, certificate);
    } catch (RuntimeException e) {
      closeQuietly(gateway);
      closeQuietly(services);
      kafka.close();
      closeQuietly(certificate);
      throw e;
    }
  }

  public int httpPort() {
    return gateway.httpPort();
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Each example service and how it runs, e.g. {@code customers (share group, 4 instances)}. */
  public java.util.List<String> serviceDeployments() {
    return services.deployments();
  }

  /** The PEM file of the self-signed certificate the gateway serves (for {@code curl --cacert}), or {@code null}. */
  public java.nio.file.Path certificate() {
    return tls == null ? null : tls.certificate();
  }

  @Override
  public void close() {
    gateway.close();
    services.close();
    kafka.close();
    closeQuietly(tls);
  }

  /** Waits up to {@link #READY_TIMEOUT} for {@code ready}; fails with {@code notReadyReason} after that. */
  private static void await(BooleanSupplier ready, Supplier<String> notReadyReason) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("demo not ready after " + READY_TIMEOUT.toSeconds() + " s: " + notReadyReason.get());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50); // start-up only, on the main thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the demo", e);
      }
    }
  }

  static String config() {
    try (InputStream in = Demo.class.getResourceAsStream("courier-demo.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the demo configuration is missing from the jar", e);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception ignored) {
      // already failing; the original exception is the one to report
    }
  }
}
