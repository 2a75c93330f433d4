package io.courier.protocol;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Encodings shared by the envelopes: UTF-8 strings and decimal numbers. */
final class Codec {
  private Codec() {}

  static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  static String string(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  static int parseInt(String name, byte[] value) {
    return (int) parseLong(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  static long parseLong(String name, byte[] value, long min, long max) {
    String text = new String(value, StandardCharsets.UTF_8).trim();
    try {
      long parsed = Long.parseLong(text);
      if (parsed < min || parsed > max) {
        throw new ProtocolException(name + " is out of range: " + text);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ProtocolException(name + " is not a decimal number: " + text);
    }
  }
}
