package io.courier.bench;

import java.nio.charset.StandardCharsets;

/** The request body every target gets: a 256-byte JSON object. */
final class Payload {
  static final int SIZE = 256;

  private Payload() {}

  static byte[] json256() {
    String head = "{\"id\":\"bench-0001\",\"customerId\":\"c-1001\",\"note\":\"";
    String tail = "\"}";
    String json = head + "x".repeat(SIZE - head.length() - tail.length()) + tail;
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    if (bytes.length != SIZE) {
      throw new IllegalStateException("payload is " + bytes.length + " bytes");
    }
    return bytes;
  }
}
