package io.courier.gateway.path;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A path template such as {@code /baskets/{customerId}/items/{sku}}: literal segments and whole-segment
 * parameters, matched against the decoded segments of a {@link RequestTarget}. Immutable and thread-safe.
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
      } else if (segment.isEmpty()) {
        throw new IllegalArgumentException("a path template cannot have an empty segment ('//'): " + text);
      } else if (segment.contains("%")) {
        throw new IllegalArgumentException("write path templates decoded, without percent-escapes: " + text);
      } else if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("a path template cannot have a dot segment ('.' or '..'): " + text);
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

  /** How many segments the template has; {@code /} has none. */
  public int segmentCount() {
    return segments.length;
  }

  /** Segment {@code index} if it is literal, {@code null} if it is a parameter. */
  public String literal(int index) {
    return parameterNames[index] == null ? segments[index] : null;
  }

  /** Literal segments; a template with more of them wins over one with fewer when both match. */
  public int specificity() {
    return literalCount;
  }

  /**
   * The decoded parameters if {@code path} matches, else {@code null}.
   *
   * @param path the request path, raw (percent-encoded), without the query
   * @throws io.courier.gateway.error.GatewayException if the path cannot be read ({@link RequestTarget#parse})
   */
  public Map<String, String> match(String path) {
    return match(RequestTarget.parse(path));
  }

  /** The decoded parameters if the target matches, else {@code null}. */
  public Map<String, String> match(RequestTarget target) {
    if (target.segmentCount() != segments.length) {
      return null;
    }
    Map<String, String> values = null;
    for (int i = 0; i < segments.length; i++) {
      String actual = target.segment(i);
      if (parameterNames[i] == null) {
        if (!segments[i].equals(actual)) {
          return null;
        }
      } else {
        if (actual.isEmpty()) {
          return null;
        }
        if (values == null) {
          values = new LinkedHashMap<>();
        }
        values.put(parameterNames[i], actual);
      }
    }
    return values == null ? Map.of() : values;
  }

  /**
   * The template with every parameter written {@code {}} and no trailing slash: two templates with the
   * same shape match exactly the same paths.
   */
  public String shape() {
    StringBuilder shape = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      shape.append('/').append(parameterNames[i] == null ? segments[i] : "{}");
    }
    return shape.length() == 0 ? "/" : shape.toString();
  }

  /**
   * Whether some path matches both templates: same number of segments, and wherever both have a literal
   * segment it is the same one.
   */
  public boolean overlaps(PathTemplate other) {
    if (segments.length != other.segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (parameterNames[i] == null && other.parameterNames[i] == null && !segments[i].equals(other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  /** Splits on '/', ignoring the leading slash and one trailing slash. */
  private static String[] split(String path) {
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
