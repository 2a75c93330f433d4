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

  /** Starts all three parts and returns once the gateway is ready and the services answer. */
  public static Demo start(int httpPort) {
    return start(httpPort, false);
  }

  /**
   * Starts all three parts, the gateway over TLS with a new self-signed certificate for {@code localhost}
   * when {@code tls}, and returns once the gateway is ready and the services answer.
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
      String yaml =
          config().replace("${bootstrap}", kafka.bootstrapServers()).replace("${port}", Integer.toString(httpPort));
      if (certificate != null) {
        yaml = yaml.replace("\nhttp:\n", "\nhttp:\n  tls: {certificate: \"" + certificate.certificate() + "\", key: \"" + certificate.key() + "\"}\n");
      }
      gateway = Gateway.start(ConfigLoader.parse(yaml));
      awaitReady(gateway, services);
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

  private static void awaitReady(Gateway gateway, ExampleServices services) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!(gateway.isReady() && services.isRunning())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("demo not ready after " + READY_TIMEOUT.toSeconds() + " s: " + gateway.notReadyReason());
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
