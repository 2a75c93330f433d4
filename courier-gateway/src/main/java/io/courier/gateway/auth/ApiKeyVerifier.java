package io.courier.gateway.auth;

import io.courier.gateway.config.AuthMethod;
import io.courier.gateway.config.AuthenticationConfig;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Finds the caller an API key stands for by the key's SHA-256. Every known hash is compared, each in constant
 * time, so the time taken says nothing about which key came close. Thread-safe.
 */
final class ApiKeyVerifier {
  /** Longer than any real key: hashing a huge header value on the event loop is not free. */
  private static final int MAX_KEY_CHARS = 512;

  private final String header;
  private final byte[][] hashes;
  private final Identity[] identities;

  ApiKeyVerifier(AuthenticationConfig.ApiKeys config) {
    this.header = config.header();
    List<AuthenticationConfig.ApiKey> keys = config.keys();
    this.hashes = keys.stream().map(AuthenticationConfig.ApiKey::sha256).toArray(byte[][]::new);
    this.identities = keys.stream().map(key -> new Identity(AuthMethod.API_KEY, key.name(), Map.of())).toArray(Identity[]::new);
  }

  /** The request header that carries keys, lower case. */
  String header() {
    return header;
  }

  /** The caller {@code presented} stands for, or {@code null} when it is no known key. */
  Identity verify(String presented) {
    if (presented.length() > MAX_KEY_CHARS) {
      return null;
    }
    byte[] hash = AuthenticationConfig.ApiKey.hash(presented.strip());
    Identity found = null;
    for (int i = 0; i < hashes.length; i++) {
      if (MessageDigest.isEqual(hash, hashes[i]) && found == null) {
        found = identities[i];
      }
    }
    return found;
  }
}
