package io.courier.cli;

import io.courier.cli.verify.CheckResult;
import io.courier.cli.verify.Probe;
import io.courier.cli.verify.ResponderVerifier;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier verify-responder}: the responder conformance kit ({@link ResponderVerifier}). Exit codes: 0
 * every check passed (or does not apply), 1 a check failed, 3 the cluster or topics cannot be used.
 */
@Command(
    name = "verify-responder",
    mixinStandardHelpOptions = true,
    description = {
      "Send probe requests to a running service's request topic and check its replies against the Courier protocol:",
      "the correlation id echoed byte for byte, the reply on the requested topic and partition, the status and headers,",
      "no reply to an expired or cancelled request, and the same reply to a duplicate idempotency key (courier profile).",
      "The probe must be a request the service can handle: give --method, --path, --path-param, --body and --header as",
      "its route expects.",
      "Prints a table of the checks with their evidence. Exit codes: 0 conforms, 1 a check failed, 3 Kafka cannot be used."})
final class VerifyResponderCommand implements Callable<Integer> {
  static final int FAILED = 1;

  @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster the service reads.")
  String bootstrapServers;

  @Option(names = "--request-topic", required = true, description = "The service's request topic.")
  String requestTopic;

  @Option(names = "--profile", defaultValue = "courier", description = "The header convention the service speaks: courier, spring or zilla (default courier).")
  String profile;

  @Option(names = "--reply-topic", defaultValue = "courier-verify.replies",
      description = "Where the service is asked to reply; created with 3 partitions if missing (default courier-verify.replies, a name the responder library accepts).")
  String replyTopic;

  @Option(names = "--method", defaultValue = "GET", description = "The probe's HTTP method (default GET).")
  String method;

  @Option(names = "--path", defaultValue = "/", description = "The probe's path, a route the service serves, e.g. /customers/c-1001 (default /).")
  String path;

  @Option(names = "--body", defaultValue = "", description = "The probe's body (default empty).")
  String body;

  @Option(names = "--path-param", description = "A path parameter of the probe's route, name=value, as the gateway sends it (id=o-1 for /orders/{id}); repeatable.")
  Map<String, String> pathParams = new LinkedHashMap<>();

  @Option(names = "--header", description = "A forwarded HTTP header of the probe, name=value; repeatable.")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(names = "--wait", defaultValue = "5s", description = "How long each check waits for a reply, or for none, e.g. 5s or 500ms (default 5s).")
  String wait;

  @Option(names = "--kafka-property", description = "A Kafka client setting for all clients (security), name=value; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Override
  public Integer call() {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    PrintStream out = System.out;
    PrintStream err = System.err;
    Profile chosen;
    Duration window;
    Probe probe;
    try {
      chosen = Profile.valueOf(profile.toUpperCase(Locale.ROOT));
      window = CliDurations.parse(wait);
      if (window == null) {
        throw new IllegalArgumentException("--wait must be a duration like 5s or 500ms, was \"" + wait + "\"");
      }
      probe = new Probe(method.toUpperCase(Locale.ROOT), path, body, HeaderFields.of(headers), pathParams);
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      err.println("courier: bad option: " + e.getMessage() + " (--profile courier|spring|zilla, --wait like 5s or 500ms)");
      return GatewayCommand.CONFIG_ERROR;
    }
    Map<String, Object> common = new HashMap<>(kafkaProperties);
    common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(common);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(common, new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> replies = new KafkaConsumer<>(
            withDefault(common, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      int partitions = replyTopicPartitions(admin);
      out.println("Verifying " + requestTopic + " in the " + profile + " profile, probe " + probe.method() + " " + probe.path()
          + ", replies on " + replyTopic + " (" + partitions + " partitions), waiting " + window.toMillis() + " ms per check");
      List<CheckResult> results = new ResponderVerifier(
          producer, replies, requestTopic, replyTopic, partitions, chosen, probe, window, Clock.systemUTC()).verify();
      out.print(ResponderVerifier.table(results));
      return ResponderVerifier.conforms(results) ? 0 : FAILED;
    } catch (KafkaException | IllegalStateException e) {
      err.println("courier: cannot verify: " + e.getMessage());
      return CheckCommand.UNREACHABLE;
    }
  }

  private static Map<String, Object> withDefault(Map<String, Object> config, String name, Object value) {
    Map<String, Object> copy = new HashMap<>(config);
    copy.putIfAbsent(name, value);
    return copy;
  }

  private int replyTopicPartitions(Admin admin) {
    try {
      Optional<Integer> existing = admin.describeTopics(List.of(replyTopic)).allTopicNames().get().values().stream()
          .map(description -> description.partitions().size()).findFirst();
      if (existing.isPresent()) {
        return existing.get();
      }
    } catch (ExecutionException e) {
      // unknown topic: create it below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    try {
      admin.createTopics(List.of(new NewTopic(replyTopic, Optional.of(3), Optional.empty()))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the reply topic " + replyTopic + ": " + e.getCause(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return 3;
  }
}
