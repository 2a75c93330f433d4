package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.cli.demo.Demo;
import io.courier.cli.demo.DemoScript;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart, executed: the demo comes up, every curl command it prints gives the documented
 * answer (also over TLS, with curl trusting the demo's self-signed certificate), the README shows the same
 * commands, and closing the demo stops everything.
 */
class DemoIT {
  private static final Pattern LOCATION = Pattern.compile("(?im)^location: /orders/(\\S+)\\s*$");
  private static final Pattern RESULT = Pattern.compile("(?im)^location: /results/(\\S+)\\s*$");

  /**
   * As a script that starts {@code courier demo -p PORT} and waits for {@code /ready} would: the first request
   * right after {@code /ready} answers 200 goes to the customers' share group, which must be answering by then.
   */
  @Test
  void thePrintedCurlCommandsGiveTheDocumentedAnswers() throws Exception {
    int port = freePort();
    CompletableFuture<Demo> starting = CompletableFuture.supplyAsync(() -> Demo.start(port));
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // Demo.start waits up to 60 s twice, after Kafka's start
      while (status(client, "http://localhost:" + port + "/ready") != 200) {
        if (starting.isCompletedExceptionally()) {
          starting.join(); // throws the demo's own error
        }
        assertThat(System.nanoTime()).as("/ready answered 200 within 180 s").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(20);
      }
      HttpResponse<String> first = client.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/customers/c-1001")).timeout(Duration.ofSeconds(10)).build(),
          BodyHandlers.ofString());
      assertThat(first.statusCode()).as("the first request once /ready answered: " + first.body()).isEqualTo(200);
      assertThat(first.body()).contains("\"name\":\"Ada Lovelace\"");
    } catch (Exception | AssertionError e) {
      starting.thenAccept(Demo::close); // stopped whenever it has started, so the next test has the machine
      throw e;
    }
    Demo demo = starting.get(60, TimeUnit.SECONDS);
    runTheDemosCommands(demo);
  }

  @Test
  void withTlsThePrintedCurlCommandsTrustTheSelfSignedCertificateAndGiveTheSameAnswers() throws Exception {
    Path certificate = runTheDemosCommands(Demo.start(0, true));
    assertThat(certificate).as("the certificate is deleted with the demo").doesNotExist();
  }

  /** Runs every command the started demo prints with the real curl, stops it; the demo's certificate, if any. */
  private static Path runTheDemosCommands(Demo demo) throws Exception {
    int port = demo.httpPort();
    boolean tls = demo.certificate() != null;
    Path certificate = demo.certificate();
    try {
      assertThat(DemoScript.banner(demo)).contains(tls ? "https://localhost:" + port : "http://localhost:" + port);
      assertThat(DemoScript.banner(demo)).contains("customers (share group, 4 instances)", "orders (consumer group, 1 instance)");
      if (tls) {
        assertThat(certificate).exists();
        assertThat(DemoScript.banner(demo)).contains(certificate.toString())
            .contains("curl --cacert " + certificate + " -s https://localhost:" + port + "/customers/c-1001");
      }
      String orderId = null;
      String resultId = null;
      for (DemoScript.Step step : DemoScript.steps(port, certificate)) {
        String command = step.command();
        if (command.contains(DemoScript.ORDER_ID)) {
          assertThat(orderId).as("an order was created before it is fetched").isNotNull();
          command = command.replace(DemoScript.ORDER_ID, orderId);
        }
        if (command.contains(DemoScript.RESULT_ID)) {
          assertThat(resultId).as("an async order was accepted before its result is fetched").isNotNull();
          command = command.replace(DemoScript.RESULT_ID, resultId);
        }
        String output = run(command);
        assertThat(output).as(command).contains(step.answers());
        Matcher location = LOCATION.matcher(output);
        if (location.find()) {
          orderId = location.group(1);
        }
        Matcher result = RESULT.matcher(output);
        if (result.find()) {
          resultId = result.group(1);
        }
      }
      assertThat(recordsWithKey(demo.bootstrapServers(), DemoScript.IDEMPOTENCY_KEY))
          .as("the retried order is one record in orders.requests")
          .isEqualTo(1);
    } finally {
      demo.close();
    }
    assertThat(accepts(port)).as("the gateway port is closed after the demo stops").isFalse();
    return certificate;
  }

  @Test
  void theReadmeShowsTheCommandsTheDemoPrints() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));

    for (DemoScript.Step step : DemoScript.steps(8080)) {
      assertThat(readme).as("README shows: " + step.command()).contains(step.command());
      assertThat(readme).as("README shows the answer of: " + step.command()).contains(step.answers());
    }
    assertThat(readme).contains("./courier demo").contains("mvn -B verify");
  }

  /** The records of orders.requests that carry this idempotency key, read up to the topic's end. */
  private static int recordsWithKey(String bootstrap, String key) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("orders.requests").stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      int count = 0;
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header header = record.headers().lastHeader("idempotency-key");
          if (header != null && new String(header.value(), StandardCharsets.US_ASCII).equals(key)) {
            count++;
          }
        }
      }
      return count;
    }
  }

  private static String run(String command) throws IOException, InterruptedException {
    // ./courier runs the packaged jar (building it first when sources are newer); in the build, that jar is
    // the one just packaged, and the test's working directory is this module's.
    String runnable = command.startsWith("./courier ") ? "java -jar target/courier.jar " + command.substring("./courier ".length()) : command;
    Process process = new ProcessBuilder("bash", "-c", runnable).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("finished: " + command).isTrue();
    return output;
  }

  /** The status of a GET, or -1 while nothing listens on the port. */
  private static int status(HttpClient client, String uri) throws InterruptedException {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(2)).build(), BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * A port free a moment ago, for the demo's fixed port (-p, as a script that waits for /ready gives it): outside
   * the ephemeral range, so that none of the connections the starting demo opens takes it before the gateway binds
   * it. Below the range when it starts high enough, above it otherwise; any free port if neither is possible.
   */
  private static int freePort() throws IOException {
    int low = 32768; // Linux's defaults
    int high = 60999;
    try {
      // Not Files.readString: a /proc file says it is empty, and that read stops after its first byte.
      String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
      low = Integer.parseInt(range[0]);
      high = Integer.parseInt(range[1]);
    } catch (IOException | RuntimeException notLinux) {
      // the defaults above
    }
    int first = low >= 4096 ? ThreadLocalRandom.current().nextInt(low / 2, low - 200)
        : high <= 64_000 ? ThreadLocalRandom.current().nextInt(high + 1, 65_300) : -1;
    for (int port = first; first > 0 && port < first + 200; port++) {
      try (ServerSocket socket = new ServerSocket(port)) {
        return port;
      } catch (IOException taken) {
        // the next one
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
