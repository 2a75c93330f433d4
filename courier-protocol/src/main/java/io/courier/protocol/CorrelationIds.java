package io.courier.protocol;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Makes correlation ids that are unique, unguessable (128 random bits from a {@link SecureRandom}) and
 * name the gateway instance that made them: {@code <instanceId>.<22 characters of base64url>}. The instance
 * part lets a reply that reaches the wrong instance be forwarded to the right one.
 *
 * <p>Thread-safe.
 */
public final class CorrelationIds {
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final int RANDOM_BYTES = 16;
  private static final char SEPARATOR = '.';

  private final String prefix;
  private final SecureRandom random = new SecureRandom();

  public CorrelationIds(String instanceId) {
    if (!isValidInstanceId(instanceId)) {
      throw new IllegalArgumentException(
          "instance id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-': " + instanceId);
    }
    this.prefix = instanceId + SEPARATOR;
  }

  public static boolean isValidInstanceId(String instanceId) {
    return instanceId != null && INSTANCE_ID.matcher(instanceId).matches();
  }

  /** A new id, never returned before. */
  public String next() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return prefix + BASE64URL.encodeToString(bytes);
  }

  /** The instance that made {@code correlationId}, or {@code null} if it is not a Courier id. */
  public static String instanceOf(String correlationId) {
    int separator = correlationId.lastIndexOf(SEPARATOR);
    if (separator <= 0) {
      return null;
    }
    String instance = correlationId.substring(0, separator);
    return isValidInstanceId(instance) ? instance : null;
  }
}
