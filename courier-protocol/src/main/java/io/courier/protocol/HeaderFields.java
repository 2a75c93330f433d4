package io.courier.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An ordered list of HTTP header fields (RFC 9110 section 5) as they travel in Kafka headers: names in lower
 * case, each value the exact bytes that were sent, a repeated name kept once per value and in order (two
 * {@code set-cookie} fields stay two fields). Nothing here decodes or re-encodes a value; {@link #first} and
 * {@link #all} read values as UTF-8 for convenience only.
 *
 * <p>Immutable and thread-safe. The value arrays are shared, not copied: do not modify them.
 */
public final class HeaderFields {
  /** No fields. */
  public static final HeaderFields EMPTY = new HeaderFields(new String[0], new byte[0][]);

  private final String[] names;
  private final byte[][] values;

  private HeaderFields(String[] names, byte[][] values) {
    this.names = names;
    this.values = values;
  }

  public static Builder builder() {
    return new Builder(8);
  }

  /** One field per map entry, values UTF-8 encoded, in the map's order. */
  public static HeaderFields of(Map<String, String> fields) {
    Builder builder = new Builder(fields.size());
    fields.forEach(builder::add);
    return builder.build();
  }

  /** The fields given as name, value, name, value ...; values UTF-8 encoded. */
  public static HeaderFields of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Builder builder = new Builder(namesAndValues.length / 2);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      builder.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return builder.build();
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The lower-case name of field {@code index}. */
  public String name(int index) {
    return names[index];
  }

  /** The value bytes of field {@code index}; shared, do not modify. */
  public byte[] value(int index) {
    return values[index];
  }

  /** Calls {@code action} with each field's name and value bytes, in order. */
  public void forEach(BiConsumer<String, byte[]> action) {
    for (int i = 0; i < names.length; i++) {
      action.accept(names[i], values[i]);
    }
  }

  /** How many fields have this name (any letter case). */
  public int count(String name) {
    String lower = lower(name);
    int count = 0;
    for (String candidate : names) {
      if (candidate.equals(lower)) {
        count++;
      }
    }
    return count;
  }

  /** The bytes of the first field with this name (any letter case), or {@code null}. */
  public byte[] firstBytes(String name) {
    String lower = lower(name);
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(lower)) {
        return values[i];
      }
    }
    return null;
  }

  /** The first value with this name (any letter case), read as UTF-8. */
  public Optional<String> first(String name) {
    byte[] value = firstBytes(name);
    return value == null ? Optional.empty() : Optional.of(new String(value, StandardCharsets.UTF_8));
  }

  /** Every value with this name (any letter case), in order, read as UTF-8. */
  public List<String> all(String name) {
    String lower = lower(name);
    List<String> all = new ArrayList<>(1);
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(lower)) {
        all.add(new String(values[i], StandardCharsets.UTF_8));
      }
    }
    return Collections.unmodifiableList(all);
  }

  /** The first value of each name, read as UTF-8, in order of first appearance; unmodifiable. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      map.putIfAbsent(names[i], new String(values[i], StandardCharsets.UTF_8));
    }
    return Collections.unmodifiableMap(map);
  }

  /** A builder holding these fields, to add or replace some. */
  public Builder toBuilder() {
    Builder builder = new Builder(names.length + 2);
    forEach(builder::add);
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof HeaderFields that) || that.names.length != names.length) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      if (!names[i].equals(that.names[i]) || !Arrays.equals(values[i], that.values[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (int i = 0; i < names.length; i++) {
      hash = 31 * hash + names[i].hashCode();
      hash = 31 * hash + Arrays.hashCode(values[i]);
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < names.length; i++) {
      text.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(new String(values[i], StandardCharsets.UTF_8));
    }
    return text.append(']').toString();
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Collects fields in order. Not thread-safe. */
  public static final class Builder {
    private final List<String> names;
    private final List<byte[]> values;

    private Builder(int capacity) {
      names = new ArrayList<>(capacity);
      values = new ArrayList<>(capacity);
    }

    /** Appends a field; the name is lower-cased, the value bytes are kept as they are (not copied). */
    public Builder add(String name, byte[] value) {
      if (value == null) {
        throw new IllegalArgumentException("header " + name + " has no value");
      }
      names.add(lower(name));
      values.add(value);
      return this;
    }

    /** Appends a field with a UTF-8 encoded value. */
    public Builder add(String name, String value) {
      return add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Removes every field with this name, then appends one with a UTF-8 encoded value. */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /** Removes every field with this name (any letter case). */
    public Builder remove(String name) {
      String lower = lower(name);
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).equals(lower)) {
          names.remove(i);
          values.remove(i);
        }
      }
      return this;
    }

    public HeaderFields build() {
      return names.isEmpty() ? EMPTY : new HeaderFields(names.toArray(new String[0]), values.toArray(new byte[0][]));
    }
  }
}
