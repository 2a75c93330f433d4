package io.courier.gateway.config;

import static io.courier.gateway.config.Setting.Defaults;

import io.courier.gateway.path.PathTemplate;
import io.courier.gateway.path.RequestTarget;
import io.courier.protocol.CorrelationIds;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code courier.yaml} into a {@link GatewayConfig}: every key checked against {@link Setting}, every
 * value validated, every default applied. The first mistake fails with its file, line and key path.
 */
public final class ConfigLoader {
  static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  /** Hop-by-hop and framing headers (RFC 9110 section 7.6.1): they describe one connection, not the request. */
  private static final Set<String> NOT_FORWARDABLE =
      Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
          "content-length", "expect", "http2-settings");
  /** Credentials: forwarding them puts secrets in Kafka, readable by whoever reads the topic. */
  private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private ConfigLoader() {}

  public static GatewayConfig load(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return load(reader, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration " + file, e);
    }
  }

  public static GatewayConfig parse(String yaml) {
    return load(new StringReader(yaml), "<config>", System::getenv);
  }

  /** Parses {@code yaml} reading environment variables (API keys' {@code env}) from {@code environment}. */
  static GatewayConfig parse(String yaml, UnaryOperator<String> environment) {
    return load(new StringReader(yaml), "<config>", environment);
  }

  static GatewayConfig load(Reader reader, String source) {
    return load(reader, source, System::getenv);
  }

  private static GatewayConfig load(Reader reader, String source, UnaryOperator<String> environment) {
    Node document;
    try {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
    } catch (MarkedYAMLException e) {
      throw new ConfigException(source + ":" + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem());
    }
    if (document == null) {
      throw new ConfigException(source + ": the file is empty");
    }
    YamlNode root = new YamlNode(source, "", document);
    root.rejectUnknownKeys(keysUnder(""));
    String instanceId = instanceId(root.child(Setting.INSTANCE_ID.key()));
    HttpConfig http = http(root.child("http"));
    YamlNode kafkaNode = root.required("kafka");
    KafkaConfig kafka = kafka(kafkaNode);
    List<String> warnings = new ArrayList<>();
    // Header fields twice: forwarded, and one of them perhaps again as the record key.
    int recordRoom = maxRequestSize(kafkaNode, kafka) - 2 * http.maxHeaderBytes() - Defaults.ENVELOPE_ALLOWANCE;
    YamlNode repliesNode = kafkaNode.child(Setting.KAFKA_REPLIES.key());
    ResultsConfig results = results(root.child(Setting.RESULTS.key()), kafka.responseTopic(), kafka.replies().forwardTopic(),
        repliesNode == null ? null : repliesNode.child(Setting.KAFKA_REPLIES_FORWARD_TOPIC.key()));
    CorsConfig cors = CorsConfig.read(root.child(Setting.CORS.key()), CorsConfig.OFF);
    AuthenticationConfig authentication = AuthenticationSettings.parse(root.child(Setting.AUTHENTICATION.key()), environment);
    List<RouteConfig> routes = services(root.required(Setting.SERVICES.key()), recordRoom, results, cors, authentication, warnings);
    stateTopicsApart(root.required(Setting.SERVICES.key()), routes, kafka, results);
    boolean clientCertificates = http.tls() != null && http.tls().clientAuth() != TlsConfig.ClientAuth.NONE;
    String apiKeyHeader = authentication.apiKeys() == null ? null : authentication.apiKeys().header();
    for (RouteConfig route : routes) {
      if (route.key() instanceof KeySource.Header keyHeader
          && (keyHeader.name().equals(apiKeyHeader) || CREDENTIALS.contains(keyHeader.name()))) {
        throw root.required(Setting.SERVICES.key()).error("route " + route.name() + " takes its record key from " + keyHeader.name()
            + ", a credential: it would be in Kafka in plain text (take the key from a path or body value instead)");
      }
      if (apiKeyHeader != null && route.forwardHeaders().contains(apiKeyHeader)) {
        // Only the keys' hashes may exist anywhere; the request topic is readable by every service's reader.
        throw root.required(Setting.SERVICES.key()).error("route " + route.name() + " forwards " + apiKeyHeader
            + ", the header API keys come in: keys never go into Kafka (the service gets courier-identity instead)");
      }
      if (route.access().methods().contains(AuthMethod.MTLS) && !clientCertificates) {
        throw root.required(Setting.SERVICES.key()).error("route " + route.name() + " authenticates by mtls, but the listener asks"
            + " callers for no certificate: set http.tls.client-auth (request or required) and http.tls.trust");
      }
    }
    AccessLogConfig accessLog = accessLog(root.child(Setting.ACCESS_LOG.key()));
    TracingConfig tracing = tracing(root.child(Setting.TRACING.key()));
    ManagementConfig management = management(root.child(Setting.MANAGEMENT.key()), http, authentication);
    WebSocketConfig websocket = WebSocketSettings.parse(root.child(Setting.WEBSOCKET.key()), routes, results);
    return new GatewayConfig(instanceId, http, kafka, routes, results, accessLog, tracing, authentication, warnings, management, websocket);
  }

  private static String instanceId(YamlNode node) {
    if (node == null) {
      return "gw-" + randomSuffix();
    }
    String id = node.asString();
    if (!CorrelationIds.isValidInstanceId(id)) {
      throw node.error("must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', was \"" + id + "\"");
    }
    return id;
  }

  private static HttpConfig http(YamlNode node) {
    if (node == null) {
      return new HttpConfig(
          Defaults.HTTP_HOST, Defaults.HTTP_PORT, cores(), Defaults.MAX_HEADER_BYTES, Defaults.RETRY_AFTER,
          Defaults.HEADER_TIMEOUT, Defaults.BODY_TIMEOUT, Defaults.IDLE_TIMEOUT, false);
    }
    node.rejectUnknownKeys(keysUnder("http"));
    YamlNode host = node.child(Setting.HTTP_HOST.key());
    YamlNode port = node.child(Setting.HTTP_PORT.key());
    YamlNode loops = node.child(Setting.HTTP_EVENT_LOOPS.key());
    YamlNode headers = node.child(Setting.HTTP_MAX_HEADER_BYTES.key());
    YamlNode retryAfter = node.child(Setting.HTTP_RETRY_AFTER.key());
    YamlNode http2 = node.child(Setting.HTTP_HTTP2_CLEARTEXT.key());
    YamlNode nativeTransport = node.child(Setting.HTTP_NATIVE_TRANSPORT.key());
    YamlNode tls = node.child(Setting.HTTP_TLS.key());
    return new HttpConfig(
        host == null ? Defaults.HTTP_HOST : host.asString(),
        port == null ? Defaults.HTTP_PORT : port.asInt(0, 65535),
        loops == null ? cores() : loops.asInt(1, 256),
        headers == null ? Defaults.MAX_HEADER_BYTES : headers.asInt(1024, 1024 * 1024),
        retryAfter == null ? Defaults.RETRY_AFTER : retryAfter.asDuration(Duration.ofSeconds(1), Duration.ofHours(1)),
        connectionTimeout(node.child(Setting.HTTP_HEADER_TIMEOUT.key()), Defaults.HEADER_TIMEOUT),
        connectionTimeout(node.child(Setting.HTTP_BODY_TIMEOUT.key()), Defaults.BODY_TIMEOUT),
        connectionTimeout(node.child(Setting.HTTP_IDLE_TIMEOUT.key()), Defaults.IDLE_TIMEOUT),
        http2 != null && http2.asBoolean(),
        nativeTransport == null || nativeTransport.asBoolean(),
        tls == null ? null : TlsConfigLoader.tls(tls));
  }

  /** The management listener apart from the routes', or {@code null} when absent: served with the routes. */
  private static ManagementConfig management(YamlNode node, HttpConfig http, AuthenticationConfig authentication) {
    if (node == null) {
      return null;
    }
    node.rejectUnknownKeys(keysUnder(Setting.MANAGEMENT.path()));
    YamlNode port = node.required(Setting.MANAGEMENT_PORT.key());
    int managementPort = port.asInt(0, 65535);
    if (managementPort != 0 && managementPort == http.port()) {
      throw port.error("must differ from http.port (" + http.port() + "); leave management out to serve it with the routes");
    }
    YamlNode host = node.child(Setting.MANAGEMENT_HOST.key());
    YamlNode tls = node.child(Setting.MANAGEMENT_TLS.key());
    TlsConfig managementTls = tls == null ? null : TlsConfigLoader.tls(tls);
    RouteAccess access =
        AuthenticationSettings.access(node, Setting.MANAGEMENT_AUTHENTICATION, Setting.MANAGEMENT_SCOPES, Setting.MANAGEMENT_CLAIMS,
            RouteAccess.OPEN, authentication);
    if (access.methods().contains(AuthMethod.MTLS) && (managementTls == null || managementTls.clientAuth() == TlsConfig.ClientAuth.NONE)) {
      throw node.child(Setting.MANAGEMENT_AUTHENTICATION.key()).error("mtls needs management.tls with client-auth request or required");
    }
    return new ManagementConfig(host == null ? http.host() : host.asString(), managementPort, managementTls, access);
  }

  private static Duration connectionTimeout(YamlNode node, Duration fallback) {
    return node == null ? fallback : node.asDuration(Duration.ofMillis(100), Duration.ofHours(1));
  }

  /** The producer's {@code max.request.size}: {@code kafka.producer} over {@code kafka.client} over Kafka's default. */
  private static int maxRequestSize(YamlNode kafkaNode, KafkaConfig kafka) {
    String key = "max.request.size";
    String section = kafka.producer().containsKey(key) ? Setting.KAFKA_PRODUCER.key() : Setting.KAFKA_CLIENT.key();
    String value = kafka.producer().getOrDefault(key, kafka.client().get(key));
    if (value == null) {
      return Defaults.MAX_REQUEST_SIZE;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw errorAt(kafkaNode.child(section), key, "must be a whole number of bytes, was \"" + value + "\"");
    }
  }

  private static KafkaConfig kafka(YamlNode node) {
    node.rejectUnknownKeys(keysUnder("kafka"));
    YamlNode responseTopic = node.child(Setting.KAFKA_RESPONSE_TOPIC.key());
    YamlNode queue = node.child(Setting.KAFKA_PUBLISH_QUEUE.key());
    Map<String, String> producer = stringMap(node.child(Setting.KAFKA_PRODUCER.key()));
    Map<String, String> client = stringMap(node.child(Setting.KAFKA_CLIENT.key()));
    checkDurability(node.child(Setting.KAFKA_CLIENT.key()), client);
    checkDurability(node.child(Setting.KAFKA_PRODUCER.key()), producer);
    checkSendWait(node.child(Setting.KAFKA_CLIENT.key()), client);
    checkSendWait(node.child(Setting.KAFKA_PRODUCER.key()), producer);
    String response = responseTopic == null ? Defaults.RESPONSE_TOPIC : topic(responseTopic);
    return new KafkaConfig(
        node.required(Setting.KAFKA_BOOTSTRAP_SERVERS.key()).asString(),
        response,
        client,
        producer,
        stringMap(node.child(Setting.KAFKA_CONSUMER.key())),
        queue == null ? Defaults.PUBLISH_QUEUE : queue.asInt(1, 10_000_000),
        replies(node.child(Setting.KAFKA_REPLIES.key()), response),
        connectionTimeout(node.child(Setting.KAFKA_READINESS_GRACE.key()), Defaults.READINESS_GRACE));
  }

  private static ReplyOwnership replies(YamlNode node, String responseTopic) {
    String defaultForward = responseTopic + Defaults.FORWARD_SUFFIX;
    String defaultGroup = Defaults.REPLY_GROUP_PREFIX + responseTopic;
    if (node == null) {
      return new ReplyOwnership(ReplyOwnership.Mode.GROUP, defaultGroup, -1, -1, defaultForward);
    }
    node.rejectUnknownKeys(keysUnder("kafka.replies"));
    YamlNode ownership = node.child(Setting.KAFKA_REPLIES_OWNERSHIP.key());
    ReplyOwnership.Mode mode = ReplyOwnership.Mode.GROUP;
    if (ownership != null) {
      String text = ownership.asString();
      try {
        mode = ReplyOwnership.Mode.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ownership.error("must be group or static, was \"" + text + "\"");
      }
    }
    YamlNode groupId = node.child(Setting.KAFKA_REPLIES_GROUP_ID.key());
    YamlNode index = node.child(Setting.KAFKA_REPLIES_INSTANCE_INDEX.key());
    YamlNode count = node.child(Setting.KAFKA_REPLIES_INSTANCE_COUNT.key());
    YamlNode forward = node.child(Setting.KAFKA_REPLIES_FORWARD_TOPIC.key());
    String forwardTopic = forward == null ? defaultForward : topic(forward);
    if (forwardTopic.equals(responseTopic)) {
      throw forward.error("must differ from the response topic");
    }
    if (mode == ReplyOwnership.Mode.GROUP) {
      for (YamlNode staticOnly : new YamlNode[] {index, count}) {
        if (staticOnly != null) {
          throw staticOnly.error("only applies with ownership: static");
        }
      }
      return new ReplyOwnership(mode, groupId == null ? defaultGroup : groupId.asString(), -1, -1, forwardTopic);
    }
    if (groupId != null) {
      throw groupId.error("only applies with ownership: group");
    }
    if (index == null || count == null) {
      throw node.error("ownership: static needs instance-index and instance-count");
    }
    int instanceCount = count.asInt(1, 100_000);
    int instanceIndex = index.asInt(0, 100_000);
    if (instanceIndex >= instanceCount) {
      throw index.error("must be below instance-count (" + instanceCount + "), was " + instanceIndex);
    }
    return new ReplyOwnership(mode, null, instanceIndex, instanceCount, forwardTopic);
  }

  /** An accepted command must be durably in Kafka: the gateway's producer is always acks=all, idempotent. */
  private static void checkDurability(YamlNode node, Map<String, String> settings) {
    String acks = settings.get("acks");
    if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
      throw errorAt(node, "acks", "must be all (an accepted request must be durable), was " + acks);
    }
    String idempotence = settings.get("enable.idempotence");
    if (idempotence != null && !idempotence.equalsIgnoreCase("true")) {
      throw errorAt(node, "enable.idempotence", "must be true, was " + idempotence);
    }
  }

  /**
   * {@code max.block.ms} is the publisher lanes' wait, not the producer's (which never blocks), so Kafka does
   * not see it to check it: a whole number of milliseconds, 0 or more, as Kafka would require.
   */
  private static void checkSendWait(YamlNode node, Map<String, String> settings) {
    String wait = settings.get("max.block.ms");
    if (wait == null) {
      return;
    }
    long millis;
    try {
      millis = Long.parseLong(wait.trim());
    } catch (NumberFormatException e) {
      throw errorAt(node, "max.block.ms", "must be a whole number of milliseconds, was " + wait);
    }
    if (millis < 0) {
      throw errorAt(node, "max.block.ms", "must be 0 or more, was " + wait);
    }
  }

  /** An error on the line and key path of {@code key} under {@code node} (e.g. {@code kafka.producer.acks}). */
  private static ConfigException errorAt(YamlNode node, String key, String message) {
    YamlNode value = node.child(key);
    return value != null ? value.error(message) : node.error(key + " " + message);
  }

  /** A route read from the file, with where it was written, for errors that name two routes. */
  private record Declared(RouteConfig config, PathTemplate template, YamlNode node) {}

  private static TracingConfig tracing(YamlNode node) {
    if (node == null) {
      return TracingConfig.NONE;
    }
    node.rejectUnknownKeys(keysUnder("tracing"));
    YamlNode exporter = node.child(Setting.TRACING_EXPORTER.key());
    YamlNode endpoint = node.child(Setting.TRACING_OTLP_ENDPOINT.key());
    YamlNode sample = node.child(Setting.TRACING_SAMPLE_RATIO.key());
    YamlNode serviceName = node.child(Setting.TRACING_SERVICE_NAME.key());
    TracingConfig.Exporter chosen = TracingConfig.Exporter.NONE;
    if (exporter != null) {
      chosen = switch (exporter.asString()) {
        case "none" -> TracingConfig.Exporter.NONE;
        case "otlp" -> TracingConfig.Exporter.OTLP;
        default -> throw exporter.error("must be none or otlp, was \"" + exporter.asString() + "\"");
      };
    }
    java.net.URI otlp = TracingConfig.DEFAULT_OTLP_ENDPOINT;
    if (endpoint != null) {
      try {
        otlp = new java.net.URI(endpoint.asString());
      } catch (java.net.URISyntaxException e) {
        otlp = null;
      }
      if (otlp == null || !("http".equals(otlp.getScheme()) || "https".equals(otlp.getScheme())) || otlp.getHost() == null) {
        throw endpoint.error("must be an http or https URL, e.g. " + TracingConfig.DEFAULT_OTLP_ENDPOINT + ", was \"" + endpoint.asString() + "\"");
      }
    }
    String name = serviceName == null ? TracingConfig.DEFAULT_SERVICE_NAME : serviceName.asString();
    if (name.isBlank()) {
      throw serviceName.error("must not be empty");
    }
    return new TracingConfig(chosen, otlp, share(sample, 1.0), name);
  }

  /** A number from 0 to 1 ({@code fallback} when absent). */
  private static double share(YamlNode node, double fallback) {
    if (node == null) {
      return fallback;
    }
    double share;
    try {
      share = Double.parseDouble(node.asString());
    } catch (NumberFormatException e) {
      share = -1;
    }
    if (!(share >= 0 && share <= 1)) {
      throw node.error("must be a number from 0 to 1, was \"" + node.asString() + "\"");
    }
    return share;
  }

  private static AccessLogConfig accessLog(YamlNode node) {
    if (node == null) {
      return AccessLogConfig.OFF;
    }
    node.rejectUnknownKeys(keysUnder("access-log"));
    YamlNode enabled = node.child(Setting.ACCESS_LOG_ENABLED.key());
    YamlNode sample = node.child(Setting.ACCESS_LOG_SAMPLE.key());
    YamlNode fields = node.child(Setting.ACCESS_LOG_FIELDS.key());
    YamlNode file = node.child(Setting.ACCESS_LOG_FILE.key());
    double share = share(sample, 1.0);
    List<String> chosen = AccessLogConfig.FIELDS;
    if (fields != null) {
      chosen = new ArrayList<>();
      for (YamlNode item : fields.asList()) {
        String name = item.asString();
        if (!AccessLogConfig.FIELDS.contains(name)) {
          throw item.error("must be one of " + String.join(", ", AccessLogConfig.FIELDS) + ", was \"" + name + "\"");
        }
        chosen.add(name);
      }
    }
    return new AccessLogConfig(
        enabled != null && enabled.asBoolean(), share, chosen, file == null ? null : java.nio.file.Path.of(file.asString()));
  }

  /**
   * Refuses a route's state topic that is one of the gateway's own topics or a topic it sends requests to, at the
   * line of that topic: the gateway reads its response topic for replies and its forward and results topics whole
   * from places of their own, and requests read as states would answer callers with them. (A service whose routes
   * are all queries sends nothing to its request topic, which may then be its state topic.)
   */
  private static void stateTopicsApart(YamlNode services, List<RouteConfig> routes, KafkaConfig kafka, ResultsConfig results) {
    java.util.Map<String, String> requestTopics = new java.util.HashMap<>();
    for (RouteConfig route : routes) {
      if (route.state() == null || route.state().mode() == StateConfig.Mode.COMMAND) {
        requestTopics.putIfAbsent(route.requestTopic(), route.service());
      }
    }
    for (YamlNode service : services.asList()) {
      for (YamlNode route : service.required(Setting.SERVICE_ROUTES.key()).asList()) {
        YamlNode state = route.child(Setting.ROUTE_STATE.key());
        YamlNode topic = state == null ? null : state.child(Setting.ROUTE_STATE_TOPIC.key());
        if (topic == null) {
          continue;
        }
        String own = gatewayTopic(topic.asString(), kafka, results);
        if (own != null) {
          throw topic.error("is also the gateway's " + own + "; a state topic must differ from the gateway's response, forward"
              + " and results topics");
        }
        String requestsOf = requestTopics.get(topic.asString());
        if (requestsOf != null) {
          throw topic.error("is also the request topic of service " + requestsOf + "; a state topic holds the states of"
              + " entities, not requests");
        }
      }
    }
  }

  /** Which of the gateway's own topics {@code topic} is, with the setting that names it, or {@code null}. */
  private static String gatewayTopic(String topic, KafkaConfig kafka, ResultsConfig results) {
    if (topic.equals(kafka.responseTopic())) {
      return "response topic (kafka.response-topic)";
    }
    if (topic.equals(kafka.replies().forwardTopic())) {
      return "forward topic (kafka.replies.forward-topic)";
    }
    return results.enabled() && topic.equals(results.topic()) ? "results topic (results.topic)" : null;
  }

  /** @param forwardNode {@code kafka.replies.forward-topic} as written, or {@code null} (the default) */
  private static ResultsConfig results(YamlNode node, String responseTopic, String forwardTopic, YamlNode forwardNode) {
    if (node != null) {
      node.rejectUnknownKeys(keysUnder("results"));
    }
    YamlNode enabled = node == null ? null : node.child(Setting.RESULTS_ENABLED.key());
    if (enabled != null && !enabled.asBoolean()) {
      return ResultsConfig.disabled();
    }
    YamlNode topic = node == null ? null : node.child(Setting.RESULTS_TOPIC.key());
    YamlNode path = node == null ? null : node.child(Setting.RESULTS_PATH.key());
    YamlNode retention = node == null ? null : node.child(Setting.RESULTS_RETENTION.key());
    YamlNode memory = node == null ? null : node.child(Setting.RESULTS_MAX_MEMORY_BYTES.key());
    YamlNode wait = node == null ? null : node.child(Setting.RESULTS_MAX_WAIT.key());
    String topicName = topic == null ? responseTopic + Defaults.RESULTS_SUFFIX : topic(topic);
    if (topic != null && topicName.equals(responseTopic)) {
      throw topic.error("must differ from the response topic");
    }
    if (topicName.equals(forwardTopic)) {
      // Each instance reads both whole, from different places: the forwards from the end, the results from the
      // start of the retention window (ADR 0002, 0003).
      if (topic != null) {
        throw topic.error("must differ from the forward topic (kafka.replies.forward-topic: " + forwardTopic + ")");
      }
      String message = "is the results topic's default name (<response-topic>.results); choose another forward topic,"
          + " or set results.topic";
      throw forwardNode != null ? forwardNode.error(message) : new ConfigException("kafka.replies.forward-topic: " + message);
    }
    String prefix = path == null ? Defaults.RESULTS_PATH : path.asString();
    if (!prefix.matches("(/[A-Za-z0-9._~-]+)+") || ManagementPaths.ALL.contains(prefix)) {
      throw path.error("must be a path of literal segments such as /results, was \"" + prefix + "\"");
    }
    return new ResultsConfig(
        true,
        topicName,
        prefix,
        retention == null ? Defaults.RESULTS_RETENTION : retention.asDuration(Duration.ofSeconds(1), Duration.ofDays(30)),
        memory == null ? Defaults.RESULTS_MAX_MEMORY : memory.asInt(1024 * 1024, Integer.MAX_VALUE),
        wait == null ? Defaults.RESULTS_MAX_WAIT : wait.asDuration(Duration.ofSeconds(1), Duration.ofMinutes(10)));
  }

  private static Idempotency idempotency(YamlNode owner, Setting mode, Setting duplicates, Setting headers, Idempotency fallback,
      ResultsConfig results) {
    YamlNode modeNode = owner.child(mode.key());
    YamlNode duplicatesNode = owner.child(duplicates.key());
    YamlNode headersNode = owner.child(headers.key());
    Idempotency.Mode chosenMode = modeNode == null ? fallback.mode() : choice(modeNode, Idempotency.Mode.class, "off, optional or required");
    if (chosenMode != Idempotency.Mode.OFF && !results.enabled()) {
      throw (modeNode != null ? modeNode : owner).error("idempotency keys need results (results.enabled: true): the first request's"
          + " result is kept there for the retries");
    }
    return new Idempotency(
        chosenMode,
        duplicatesNode == null ? fallback.duplicates() : choice(duplicatesNode, Idempotency.Duplicates.class, "wait or conflict"),
        headersNode == null ? fallback.fingerprintHeaders() : headerNames(headersNode));
  }

  /** A list of HTTP header names, lower-cased; any header may be named (it is read, not forwarded). */
  static List<String> headerNames(YamlNode node) {
    List<String> names = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      String name = item.asString().toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
        throw item.error("is not an HTTP header name: \"" + name + "\"");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** One of an enum's constants, written in any case; the error lists {@code allowed}. */
  static <E extends Enum<E>> E choice(YamlNode node, Class<E> type, String allowed) {
    String text = node.asString();
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw node.error("must be " + allowed + ", was \"" + text + "\"");
    }
  }

  private static List<RouteConfig> services(
      YamlNode node, int recordRoom, ResultsConfig results, CorsConfig cors, AuthenticationConfig authentication,
      List<String> warnings) {
    List<Declared> routes = new ArrayList<>();
    Set<String> serviceNames = new HashSet<>();
    for (YamlNode service : node.asList()) {
      String name = service.required(Setting.SERVICE_NAME.key()).asString();
      if (!serviceNames.add(name)) {
        throw service.required(Setting.SERVICE_NAME.key()).error("duplicate service name \"" + name + "\"");
      }
      routes.addAll(service(service, name, recordRoom, results, cors, authentication, warnings));
    }
    if (routes.isEmpty()) {
      throw node.error("at least one service with one route is required");
    }
    checkUnique(routes, warnings);
    List<RouteConfig> configs = routes.stream().map(Declared::config).toList();
    StateSettings.check(configs);
    return configs;
  }

  private static List<Declared> service(
      YamlNode service, String name, int recordRoom, ResultsConfig results, CorsConfig cors, AuthenticationConfig authentication,
      List<String> warnings) {
    service.rejectUnknownKeys(keysUnder("services[]"));
    String topic = topic(service.required(Setting.SERVICE_REQUEST_TOPIC.key()));
    Profile profile = profile(service.child(Setting.SERVICE_PROFILE.key()));
    Duration timeout = timeout(service.child(Setting.SERVICE_TIMEOUT.key()), Defaults.TIMEOUT);
    int maxInFlight = positive(service.child(Setting.SERVICE_MAX_IN_FLIGHT.key()), Defaults.MAX_IN_FLIGHT);
    int maxBody = bodyLimit(service.child(Setting.SERVICE_MAX_BODY_BYTES.key()), recordRoom, recordRoom, warnings);
    List<String> forward = headerList(service.child(Setting.SERVICE_FORWARD_HEADERS.key()), warnings);
    YamlNode responderGroupNode = service.child(Setting.SERVICE_RESPONDER_GROUP.key());
    String responderGroup = responderGroupNode == null ? null : responderGroupNode.asString();
    Idempotency serviceIdempotency =
        idempotency(service, Setting.SERVICE_IDEMPOTENCY, Setting.SERVICE_IDEMPOTENCY_DUPLICATES,
            Setting.SERVICE_IDEMPOTENCY_FINGERPRINT_HEADERS, Idempotency.OFF, results);
    CorsConfig serviceCors = CorsConfig.read(service.child(Setting.SERVICE_CORS.key()), cors);
    RateLimitConfig serviceRateLimit = RateLimitConfig.read(service.child(Setting.SERVICE_RATE_LIMIT.key()), null);
    RouteAccess serviceAccess =
        AuthenticationSettings.access(service, Setting.SERVICE_AUTHENTICATION, Setting.SERVICE_SCOPES, Setting.SERVICE_CLAIMS, null, authentication);

    List<Declared> routes = new ArrayList<>();
    for (YamlNode route : service.required(Setting.SERVICE_ROUTES.key()).asList()) {
      route.rejectUnknownKeys(keysUnder("services[].routes[]"));
      YamlNode methodNode = route.required(Setting.ROUTE_METHOD.key());
      String method = methodNode.asString().toUpperCase(Locale.ROOT);
      if (!METHODS.contains(method)) {
        throw methodNode.error("must be one of " + String.join(", ", new java.util.TreeSet<>(METHODS)) + ", was " + method);
      }
      YamlNode pathNode = route.required(Setting.ROUTE_PATH.key());
      PathTemplate template = template(pathNode);
      YamlNode routeName = route.child(Setting.ROUTE_NAME.key());
      List<String> routeForward =
          Stream.concat(forward.stream(), headerList(route.child(Setting.ROUTE_FORWARD_HEADERS.key()), warnings).stream())
              .collect(Collectors.toCollection(LinkedHashSet::new))
              .stream()
              .toList();
      int bodyLimit = bodyLimit(route.child(Setting.ROUTE_MAX_BODY_BYTES.key()), maxBody, recordRoom, warnings);
      if (bodyLimit < 0) {
        throw route.error("the producer's max.request.size leaves no room for a body next to http.max-header-bytes"
            + " and the record's headers (" + recordRoom + " bytes); set max-body-bytes or raise max.request.size");
      }
      RouteConfig config =
          new RouteConfig(
              routeName == null ? name + "." + method + " " + template.text() : routeName.asString(),
              name,
              topic,
              profile,
              method,
              template.text(),
              key(route.child(Setting.ROUTE_KEY.key()), template),
              timeout(route.child(Setting.ROUTE_TIMEOUT.key()), timeout),
              positive(route.child(Setting.ROUTE_MAX_IN_FLIGHT.key()), maxInFlight),
              bodyLimit,
              routeForward,
              responderGroup,
              idempotency(route, Setting.ROUTE_IDEMPOTENCY, Setting.ROUTE_IDEMPOTENCY_DUPLICATES,
                  Setting.ROUTE_IDEMPOTENCY_FINGERPRINT_HEADERS, serviceIdempotency, results),
              CorsConfig.read(route.child(Setting.ROUTE_CORS.key()), serviceCors),
              access(route, serviceAccess, authentication),
              RateLimitConfig.read(route.child(Setting.ROUTE_RATE_LIMIT.key()), serviceRateLimit),
              StateSettings.read(route, method, template),
              StreamConfig.read(route.child(Setting.ROUTE_STREAM.key())));
      if (config.streams() && config.idempotency().enabled()) {
        // A retry would have to replay a whole stream from the results topic: not offered.
        throw route.error("streams, so it cannot use idempotency keys (set idempotency: off on it)");
      }
      if (config.streams() && config.state() != null) {
        throw route.error("streams, so it cannot also wait for an entity's state (remove stream or state)");
      }
      if (config.idempotency().enabled() && config.forwardHeaders().contains(HeaderNames.IDEMPOTENCY_KEY)) {
        throw route.error("forwards idempotency-key, which the gateway sets itself on routes with idempotency");
      }
      if (results.enabled() && (template.text() + "/").startsWith(results.path() + "/")) {
        throw pathNode.error("lies under results.path (" + results.path() + "), which the gateway answers itself");
      }
      if (results.enabled() && template.match(RequestTarget.parse(results.path() + "/x")) != null) {
        warnings.add(pathNode.warning("also matches " + results.path() + "/{id}, which the gateway answers itself:"
            + " the route never sees those paths"));
      }
      routes.add(new Declared(config, template, route));
      List<String> shadowed =
          ManagementPaths.ALL.stream().filter(managed -> template.match(RequestTarget.parse(managed)) != null).sorted().toList();
      if (!shadowed.isEmpty()) {
        warnings.add(pathNode.warning("also matches " + String.join(", ", shadowed)
            + ", which the gateway answers itself: the route never sees those paths"));
      }
    }
    return routes;
  }

  /** A route's access: its own, else its service's; a gateway with credentials must be told, even {@code none}. */
  private static RouteAccess access(YamlNode route, RouteAccess serviceAccess, AuthenticationConfig authentication) {
    RouteAccess access =
        AuthenticationSettings.access(route, Setting.ROUTE_AUTHENTICATION, Setting.ROUTE_SCOPES, Setting.ROUTE_CLAIMS, serviceAccess, authentication);
    if (access != null) {
      return access;
    }
    if (authentication.configured()) {
      throw route.error("authentication is required here or on its service once the gateway has credentials"
          + " (write authentication: none to leave it open)");
    }
    return RouteAccess.OPEN;
  }

  private static PathTemplate template(YamlNode node) {
    String text = node.asString();
    if (ManagementPaths.ALL.contains(text)) {
      throw node.error(text + " is reserved for the gateway's own endpoints (" + ManagementPaths.LISTED + ")");
    }
    try {
      return PathTemplate.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(e.getMessage());
    }
  }

  private static KeySource key(YamlNode node, PathTemplate template) {
    if (node == null) {
      return KeySource.NONE;
    }
    String text = node.asString();
    KeySource key;
    try {
      key = KeySource.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error("body key must be a JSON pointer starting with '/', was \"" + text + "\"");
    }
    if (key == null) {
      throw node.error("must be path:<param>, header:<name> or body:<JSON pointer>, was \"" + text + "\"");
    }
    if (key instanceof KeySource.PathParam param && !template.parameters().contains(param.name())) {
      throw node.error("path parameter \"" + param.name() + "\" is not in the path " + template.text());
    }
    return key;
  }

  /**
   * Refuses two routes with one name, two routes of one method whose paths are the same template (however
   * their parameters are named or a trailing slash is written), and two that could both match a path with
   * neither more specific, since which one answers would depend on the order of the file.
   */
  private static void checkUnique(List<Declared> routes, List<String> warnings) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      Declared route = routes.get(i);
      if (!names.add(route.config().name())) {
        YamlNode named = route.node().child(Setting.ROUTE_NAME.key());
        throw (named != null ? named : route.node()).error("two routes are named \"" + route.config().name() + "\"");
      }
      for (int j = 0; j < i; j++) {
        Declared earlier = routes.get(j);
        if (!earlier.config().method().equals(route.config().method()) || !earlier.template().overlaps(route.template())) {
          continue;
        }
        YamlNode path = route.node().child(Setting.ROUTE_PATH.key());
        if (earlier.template().shape().equals(route.template().shape())) {
          throw path.error("answers " + route.config().method() + " " + route.template().shape()
              + " like route " + earlier.config().name() + " (" + earlier.node().child(Setting.ROUTE_PATH.key()).location() + ")");
        }
        if (earlier.template().specificity() == route.template().specificity()) {
          throw path.error("route " + route.config().name() + " and route " + earlier.config().name()
              + " both match " + route.config().method() + " " + example(earlier.template(), route.template())
              + " and neither is more specific; make one path more literal or remove one");
        }
      }
    }
  }

  /** A path both overlapping templates match: each segment's literal where either has one. */
  private static String example(PathTemplate first, PathTemplate second) {
    String[] a = first.shape().substring(1).split("/", -1);
    String[] b = second.shape().substring(1).split("/", -1);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      path.append('/').append(!a[i].equals("{}") ? a[i] : !b[i].equals("{}") ? b[i] : "x");
    }
    return path.toString();
  }

  private static String topic(YamlNode node) {
    String topic = node.asString();
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw node.error("is not a valid Kafka topic name: \"" + topic + "\"");
    }
    return topic;
  }

  private static Profile profile(YamlNode node) {
    if (node == null) {
      return Profile.COURIER;
    }
    String text = node.asString();
    try {
      return Profile.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw node.error("must be courier, spring or zilla, was \"" + text + "\"");
    }
  }

  private static Duration timeout(YamlNode node, Duration fallback) {
    return node == null ? fallback : node.asDuration(MIN_TIMEOUT, MAX_TIMEOUT);
  }

  private static int positive(YamlNode node, int fallback) {
    return node == null ? fallback : node.asInt(1, 1_000_000);
  }

  private static int bodyLimit(YamlNode node, int fallback, int recordRoom, List<String> warnings) {
    if (node == null) {
      return fallback;
    }
    int limit = node.asInt(0, 64 * 1024 * 1024);
    if (limit > recordRoom) {
      warnings.add(node.warning("is more than the producer's max.request.size leaves for a body (" + recordRoom
          + " bytes): larger bodies will be refused by Kafka with 413 after they were read; raise max.request.size"
          + " (and the topic's max.message.bytes) with it"));
    }
    return limit;
  }

  private static List<String> headerList(YamlNode node, List<String> warnings) {
    if (node == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      String name = item.asString().toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
        throw item.error("is not an HTTP header name: \"" + name + "\"");
      }
      if (HeaderNames.isProtocolHeader(name)) {
        // A forwarded header must never be able to overwrite the envelope (reply topic, deadline ...).
        throw item.error("\"" + name + "\" is a protocol header and cannot be forwarded");
      }
      if (NOT_FORWARDABLE.contains(name)) {
        throw item.error("\"" + name + "\" is a hop-by-hop or framing header: it describes the caller's connection, not the request, and cannot be forwarded");
      }
      if (name.equals(HeaderNames.CONTENT_TYPE)) {
        warnings.add(item.warning("content-type is always forwarded; listing it changes nothing"));
        continue;
      }
      if (HeaderNames.isTraceContextHeader(name)) {
        warnings.add(item.warning(name + " is always written by the gateway (the trace context of the request); listing it changes nothing"));
        continue;
      }
      if (CREDENTIALS.contains(name)) {
        warnings.add(item.warning("forwards the caller's credentials (" + name + ") into Kafka, where whoever reads "
            + "the request topic can read them; forward an identity instead where you can"));
      }
      names.add(name);
    }
    return names;
  }

  private static Map<String, String> stringMap(YamlNode node) {
    return node == null ? Map.of() : node.asStringMap();
  }

  /** The YAML keys allowed directly under {@code parent}, from the {@link Setting} catalogue. */
  static Set<String> keysUnder(String parent) {
    String prefix = parent.isEmpty() ? "" : parent + ".";
    Set<String> keys = new HashSet<>();
    for (Setting setting : Setting.values()) {
      String path = setting.path();
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        keys.add(rest.split("[.\\[]", 2)[0]);
      }
    }
    if (parent.isEmpty()) {
      keys.add("http");
      keys.add("kafka");
      keys.add("results");
      keys.add("access-log");
    }
    return keys;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static String randomSuffix() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder suffix = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return suffix.toString();
  }
}
