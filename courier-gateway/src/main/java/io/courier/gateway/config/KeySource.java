package io.courier.gateway.config;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a route takes the Kafka record key from. Written in configuration as {@code path:<param>},
 * {@code header:<name>} or {@code body:<JSON pointer>}; absent means no key (the producer spreads records
 * over partitions).
 */
public sealed interface KeySource {

  /** No key. */
  record None() implements KeySource {}

  /** A path template parameter, e.g. {@code path:id} for {@code /orders/{id}}. */
  record PathParam(String name) implements KeySource {}

  /** An HTTP request header, lower-case. */
  record Header(String name) implements KeySource {}

  /** A value in a JSON body, e.g. {@code body:/customerId}. */
  record BodyPointer(JsonPointer pointer) implements KeySource {}

  KeySource NONE = new None();

  /** As written in configuration ({@code path:id}, {@code header:x-tenant}, {@code body:/customerId}), or {@code none}. */
  default String text() {
    if (this instanceof PathParam param) {
      return "path:" + param.name();
    }
    if (this instanceof Header header) {
      return "header:" + header.name();
    }
    if (this instanceof BodyPointer body) {
      return "body:" + body.pointer();
    }
    return "none";
  }

  /** Parses the configuration text; {@code null} when the text has no known prefix. */
  static KeySource parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    String argument = text.substring(colon + 1);
    return switch (text.substring(0, colon)) {
      case "path" -> new PathParam(argument);
      case "header" -> new Header(argument.toLowerCase(java.util.Locale.ROOT));
      case "body" -> new BodyPointer(JsonPointer.compile(argument));
      default -> null;
    };
  }
}
