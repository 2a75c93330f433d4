package io.courier.bench;

import java.nio.charset.StandardCharsets;

/** The request bodies the targets get: JSON objects of an exact size, 256 bytes unless a scenario says. */
final class Payload {
  static final int SIZE = 256;

  private Payload() {}

  static byte[] json256() {
    return json(SIZE);
  }

  /** A JSON object of exactly {@code size} bytes (at least 56), padded by the text of its {@code note}. */
  static byte[] json(int size) {
    String head = "{\"id\":\"bench-0001\",\"customerId\":\"c-1001\",\"note\":\"";
    String tail = "\"}";
    if (size < head.length() + tail.length()) {
      throw new IllegalArgumentException("a JSON payload needs at least " + (head.length() + tail.length()) + " bytes: " + size);
    }
    String json = head + "x".repeat(size - head.length() - tail.length()) + tail;
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    if (bytes.length != size) {
      throw new IllegalStateException("payload is " + bytes.length + " bytes");
    }
    return bytes;
  }
}
