package io.courier.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a secret (a keystore password) is found: {@code env:NAME} (an environment variable) or {@code
 * file:/path} (a file's content, without its trailing line break, e.g. a mounted Kubernetes Secret). Never the
 * secret itself, so the configuration file can be shared and logged. Read again on every {@link #value()}, so a
 * renewed keystore may come with a new password. Immutable.
 */
public final class Secret {
  private final String reference;

  private Secret(String reference) {
    this.reference = reference;
  }

  /** A secret reference as written, or {@code null} when it is neither {@code env:} nor {@code file:}. */
  static Secret parse(String reference) {
    boolean env = reference.startsWith("env:") && reference.length() > 4;
    boolean file = reference.startsWith("file:") && reference.length() > 5;
    return env || file ? new Secret(reference) : null;
  }

  /** The secret's value now; fails with a message naming the reference (never the value). */
  public String value() {
    if (reference.startsWith("env:")) {
      String value = System.getenv(reference.substring(4));
      if (value == null) {
        throw new IllegalStateException("environment variable " + reference.substring(4) + " is not set");
      }
      return value;
    }
    Path file = Path.of(reference.substring(5));
    try {
      return Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** The reference ({@code env:NAME}, {@code file:/path}), never the value. */
  @Override
  public String toString() {
    return reference;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && secret.reference.equals(reference);
  }

  @Override
  public int hashCode() {
    return reference.hashCode();
  }
}
