package io.courier.gateway.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A path template such as {@code /baskets/{customerId}/items/{sku}}: literal segments and whole-segment
 * parameters. Immutable and thread-safe.
 */
public final class PathTemplate {
  private final String text;
  private final String[] segments;
  /** Parameter name per segment, {@code null} for literal segments. */
  private final String[] parameterNames;
  private final List<String> parameters;
  private final int literalCount;

  private PathTemplate(String text, String[] segments, String[] parameterNames) {
    this.text = text;
    this.segments = segments;
    this.parameterNames = parameterNames;
    List<String> names = new ArrayList<>();
    int literals = 0;
    for (String name : parameterNames) {
      if (name == null) {
        literals++;
      } else {
        names.add(name);
      }
    }
    this.parameters = Collections.unmodifiableList(names);
    this.literalCount = literals;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  public static PathTemplate parse(String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was \"" + text + "\"");
    }
    if (text.contains("?") || text.contains("#")) {
      throw new IllegalArgumentException("path must not contain a query or fragment: \"" + text + "\"");
    }
    String[] segments = split(text);
    String[] names = new String[segments.length];
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.startsWith("{") && segment.endsWith("}")) {
        String name = segment.substring(1, segment.length() - 1);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException("bad path parameter name \"" + name + "\" in " + text);
        }
        if (seen.contains(name)) {
          throw new IllegalArgumentException("path parameter \"" + name + "\" appears twice in " + text);
        }
        seen.add(name);
        names[i] = name;
      } else if (segment.contains("{") || segment.contains("}")) {
        throw new IllegalArgumentException("a parameter must be a whole segment, like /{id}, in " + text);
      }
    }
    return new PathTemplate(text, segments, names);
  }

  public String text() {
    return text;
  }

  public List<String> parameters() {
    return parameters;
  }

  /** Literal segments; a template with more of them wins over one with fewer when both match. */
  int specificity() {
    return literalCount;
  }

  /**
   * The decoded parameters if {@code path} matches, else {@code null}.
   *
   * @param path the request path, raw (percent-encoded), without the query
   */
  public Map<String, String> match(String path) {
    return match(split(path));
  }

  /** As {@link #match(String)}, for a path already split by {@link #split(String)}. */
  Map<String, String> match(String[] actual) {
    if (actual.length != segments.length) {
      return null;
    }
    Map<String, String> values = null;
    for (int i = 0; i < segments.length; i++) {
      if (parameterNames[i] == null) {
        if (!segments[i].equals(actual[i])) {
          return null;
        }
      } else {
        if (actual[i].isEmpty()) {
          return null;
        }
        if (values == null) {
          values = new LinkedHashMap<>();
        }
        values.put(parameterNames[i], decode(actual[i]));
      }
    }
    return values == null ? Map.of() : values;
  }

  private static String decode(String segment) {
    return segment.indexOf('%') < 0 && segment.indexOf('+') < 0
        ? segment
        : URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Splits on '/', ignoring the leading slash and one trailing slash. */
  static String[] split(String path) {
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/")) {
      return new String[0];
    }
    return trimmed.substring(1).split("/", -1);
  }

  @Override
  public String toString() {
    return text;
  }
}
