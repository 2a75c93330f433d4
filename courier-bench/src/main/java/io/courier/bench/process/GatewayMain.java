package io.courier.bench.process;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The gateway as the bench runs it: its own JVM, the routes {@code POST /echo} and {@code POST
 * /echo-idempotent} (with {@code idempotency: optional}) and the streaming {@code GET /stream/{count}} to the echo
 * service (also over the WebSocket at {@code /ws}), limits high enough for the 10
 * 000-in-flight scenario. JVM heap metrics are added to {@code /metrics} so the bench can
 * read the gateway's heap from outside.
 *
 * <p>Arguments: bootstrap servers, request topic, response topic, timeout (e.g. {@code 10s}), max in flight, and
 * optionally the instance id (default {@code bench}; several instances on one response topic need one each).
 * System properties {@code courier.bench.kafka.consumer.<key>} and {@code courier.bench.kafka.producer.<key>}
 * become {@code kafka.consumer} and {@code kafka.producer} settings, to try a client setting with the bench
 * ({@code --gateway-jvm-option=-Dcourier.bench.kafka.consumer.group.protocol=consumer}); {@code
 * courier.bench.http.native-transport} becomes {@code http.native-transport} (default {@code true}).
 */
public final class GatewayMain {
  private GatewayMain() {}

  /** The {@code courier.bench.kafka.<client>.*} system properties as the entries of a YAML flow map. */
  private static String clientSettings(String client) {
    String prefix = "courier.bench.kafka." + client + ".";
    return System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith(prefix))
        .sorted()
        .map(name -> name.substring(prefix.length()) + ": \""
            + System.getProperty(name).replace("\\", "\\\\").replace("\"", "\\\"") + "\"") // YAML double-quoted
        .collect(Collectors.joining(", "));
  }

  public static void main(String[] args) throws InterruptedException {
    ParentWatch.start();
    String yaml =
        """
        instance-id: %s
        http:
          host: 127.0.0.1
          port: 0
          native-transport: %s
        kafka:
          bootstrap-servers: %s
          response-topic: %s
          publish-queue: %s
          consumer: {%s}
          producer: {%s}
        websocket: {enabled: true}
        services:
          - name: echo
            request-topic: %s
            timeout: %s
            max-in-flight: %s
            routes:
              - method: POST
                path: /echo
              - method: POST
                path: /echo-idempotent
                idempotency: optional
              - method: GET
                path: /stream/{count}
                stream: {idle-timeout: 10s, max-duration: 60s}
        """
            .formatted(args.length > 5 ? args[5] : "bench", System.getProperty("courier.bench.http.native-transport", "true"),
                args[0], args[2], args[4], clientSettings("consumer"), clientSettings("producer"), args[1], args[3], args[4]);
    Gateway gateway = Gateway.start(ConfigLoader.parse(yaml));
    new JvmMemoryMetrics().bindTo(gateway.meterRegistry());
    new JvmGcMetrics().bindTo(gateway.meterRegistry());
    // What the threads allocated so far, exact at any moment (Micrometer's jvm_gc_memory_allocated moves at GCs).
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Gauge.builder("bench.jvm.allocated", threads, com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
        .baseUnit("bytes").description("Bytes the JVM's threads allocated since it started").register(gateway.meterRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> gateway.close(Duration.ofSeconds(1)), "bench-gateway-stop"));
    try {
      gateway.whenReady().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("gateway not ready: " + gateway.notReadyReason());
      System.exit(3);
    }
    ParentWatch.announceReady(gateway.httpPort());
    Thread.currentThread().join(); // until SIGTERM or the parent goes away
  }
}
