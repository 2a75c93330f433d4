package io.courier.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that knows its key path and line, so every validation error can name both. Reads scalars as
 * the types the configuration uses; never returns a value it could not validate.
 */
final class YamlNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private final String source;
  private final String path;
  private final Node node;

  YamlNode(String source, String path, Node node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  String path() {
    return path;
  }

  ConfigException error(String message) {
    return new ConfigException(location() + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  /** Where this node is written: {@code file:line}. */
  String location() {
    return source + ":" + (node.getStartMark().getLine() + 1);
  }

  /** A warning about this node, located like an error: {@code file:line: path: message}. */
  String warning(String message) {
    return location() + ": " + (path.isEmpty() ? "" : path + ": ") + message;
  }

  /** The child at {@code key}, or {@code null} when absent or explicitly null. */
  YamlNode child(String key) {
    for (NodeTuple tuple : mapping().getValue()) {
      if (key.equals(scalarText(tuple.getKeyNode()))) {
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode scalar && "null".equals(scalar.getTag().getClassName())) {
          return null;
        }
        return new YamlNode(source, childPath(key), value);
      }
    }
    return null;
  }

  YamlNode required(String key) {
    YamlNode child = child(key);
    if (child == null) {
      throw error("'" + key + "' is required");
    }
    return child;
  }

  /** Fails on a key not in {@code known}, naming it and the keys that are allowed. */
  void rejectUnknownKeys(Set<String> known) {
    for (NodeTuple tuple : mapping().getValue()) {
      String key = scalarText(tuple.getKeyNode());
      if (!known.contains(key)) {
        throw new YamlNode(source, childPath(key), tuple.getKeyNode())
            .error("unknown key; allowed here: " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  String asString() {
    if (!(node instanceof ScalarNode scalar)) {
      throw error("must be a single value");
    }
    String value = scalar.getValue().trim();
    if (value.isEmpty()) {
      throw error("must not be empty");
    }
    return value;
  }

  int asInt(int min, int max) {
    String text = asString();
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw error("must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw error("must be a whole number, was \"" + text + "\"");
    }
  }

  Duration asDuration(Duration min, Duration max) {
    String text = asString();
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      throw error("must be a duration like 500ms, 5s or 1m, was \"" + text + "\"");
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration value =
        switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw error("must be between " + format(min) + " and " + format(max) + ", was " + text);
    }
    return value;
  }

  boolean asBoolean() {
    String text = asString();
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw error("must be true or false, was \"" + text + "\"");
  }

  /** Whether this is a list ({@code [a, b]} or {@code - a}) rather than a single value or a mapping. */
  boolean isList() {
    return node instanceof SequenceNode;
  }

  /** Whether this is a mapping ({@code {a: 1}} or indented keys). */
  boolean isMapping() {
    return node instanceof MappingNode;
  }

  List<YamlNode> asList() {
    if (!(node instanceof SequenceNode sequence)) {
      throw error("must be a list");
    }
    List<YamlNode> items = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      items.add(new YamlNode(source, path + "[" + i + "]", sequence.getValue().get(i)));
    }
    return items;
  }

  /** A mapping of plain values, e.g. Kafka client settings; keys keep their order. */
  Map<String, String> asStringMap() {
    Map<String, String> values = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping().getValue()) {
      String key = scalarText(tuple.getKeyNode());
      values.put(key, new YamlNode(source, childPath(key), tuple.getValueNode()).asString());
    }
    return values;
  }

  private MappingNode mapping() {
    if (!(node instanceof MappingNode mapping)) {
      throw error("must be a mapping of keys to values");
    }
    // YAML parsers disagree on which of two equal keys wins; a file that says a thing twice is refused.
    Map<String, Integer> lines = new java.util.HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalarText(tuple.getKeyNode());
      Integer first = lines.putIfAbsent(key, tuple.getKeyNode().getStartMark().getLine() + 1);
      if (first != null) {
        throw new YamlNode(source, childPath(key), tuple.getKeyNode())
            .error("the key appears twice in one mapping (first on line " + first + ")");
      }
    }
    return mapping;
  }

  private String scalarText(Node key) {
    if (!(key instanceof ScalarNode scalar)) {
      throw new YamlNode(source, path, key).error("keys must be plain text");
    }
    return scalar.getValue();
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String format(Duration duration) {
    if (duration.toMillis() % 60_000 == 0 && duration.toMinutes() > 0) {
      return duration.toMinutes() + "m";
    }
    if (duration.toMillis() % 1000 == 0) {
      return duration.toSeconds() + "s";
    }
    return duration.toMillis() + "ms";
  }
}
