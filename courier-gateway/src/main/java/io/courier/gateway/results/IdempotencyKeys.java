package io.courier.gateway.results;

import io.courier.gateway.config.Idempotency;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the {@code Idempotency-Key} request header (IETF draft-ietf-httpapi-idempotency-key-header-06) and
 * computes a request's fingerprint. Stateless.
 *
 * <p>The draft makes the value a Structured Field String (RFC 8941 section 3.3.3: {@code "..."} of printable
 * ASCII, {@code \"} and {@code \\} escaped). Many clients send the bare value (Stripe's convention), so a
 * value of visible ASCII without quotes is taken as the key too. A key is 1 to {@value #MAX_LENGTH}
 * characters; anything else, or the header twice, is refused with 400.
 */
public final class IdempotencyKeys {
  /** The header's name, lower case. */
  public static final String HEADER = "idempotency-key";

  /** The longest key accepted, in characters. */
  public static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /**
   * The key of this request, or {@code null} when it has none and the route allows that.
   *
   * @param values every value of the header as received, one char per byte
   * @throws GatewayException 400 {@code malformed-idempotency-key} for a malformed key, or for a missing one
   *     when the route requires it
   */
  public static String read(Idempotency idempotency, List<String> values) {
    if (values.isEmpty()) {
      if (idempotency.mode() == Idempotency.Mode.REQUIRED) {
        throw new GatewayException(GatewayError.MALFORMED_IDEMPOTENCY_KEY, "this route requires an Idempotency-Key header");
      }
      return null;
    }
    if (values.size() > 1) {
      throw new GatewayException(GatewayError.MALFORMED_IDEMPOTENCY_KEY, "Idempotency-Key must be sent once");
    }
    String value = values.get(0).strip();
    String key = value.startsWith("\"") ? unquote(value) : bare(value);
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw new GatewayException(
          GatewayError.MALFORMED_IDEMPOTENCY_KEY, "Idempotency-Key must be 1 to " + MAX_LENGTH + " characters long");
    }
    return key;
  }

  private static String unquote(String value) {
    StringBuilder key = new StringBuilder(value.length());
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        if (i != value.length() - 1) {
          throw malformed("has characters after its closing quote");
        }
        return key.toString();
      }
      if (c == '\\') {
        if (++i == value.length() || (value.charAt(i) != '"' && value.charAt(i) != '\\')) {
          throw malformed("escapes a character other than \" or \\");
        }
        c = value.charAt(i);
      } else if (c < 0x20 || c > 0x7E) {
        throw malformed("must be printable ASCII (RFC 8941 sf-string)");
      }
      key.append(c);
    }
    throw malformed("lacks its closing quote");
  }

  private static String bare(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c > 0x7E || c == '"' || c == '\\' || c == ',') {
        throw malformed("must be a quoted string (\"...\") or visible ASCII without spaces, quotes or commas");
      }
    }
    return value;
  }

  private static GatewayException malformed(String why) {
    return new GatewayException(GatewayError.MALFORMED_IDEMPOTENCY_KEY, "Idempotency-Key " + why);
  }

  /** The scope a key is unique in: the route (and, once callers are authenticated, the caller). */
  public static String scope(RouteConfig route, io.courier.gateway.auth.Identity identity, String key) {
    // Each caller's keys are its own: two callers picking the same key never see each other's result.
    return identity == null ? route.name() + "\n" + key : route.name() + "\n" + identity.scope() + "\n" + key;
  }

  /**
   * Hex SHA-256 of what makes a retry the same request: method, route, each fingerprint header's values and
   * the body, each length-prefixed so that no two different requests run together into the same bytes.
   *
   * @param headerValues every value of each of the route's fingerprint headers, in its order
   */
  public static String fingerprint(RouteConfig route, List<List<String>> headerValues, byte[] body) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    update(sha256, route.method().getBytes(StandardCharsets.US_ASCII));
    update(sha256, route.name().getBytes(StandardCharsets.UTF_8));
    for (List<String> values : headerValues) {
      update(sha256, Integer.toString(values.size()).getBytes(StandardCharsets.US_ASCII));
      for (String value : values) {
        update(sha256, value.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    update(sha256, body);
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static void update(MessageDigest digest, byte[] bytes) {
    int length = bytes.length;
    digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
    digest.update(bytes);
  }
}
