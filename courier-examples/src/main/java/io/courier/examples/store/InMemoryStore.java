package io.courier.examples.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KeyValueStore} that lives and dies with the JVM; for unit tests. Thread-safe. */
public final class InMemoryStore implements KeyValueStore {
  private final Map<String, String> entries = new ConcurrentHashMap<>();

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public java.util.List<String> values() {
    return java.util.List.copyOf(entries.values());
  }

  @Override
  public void put(String key, String json) {
    entries.put(key, json);
  }

  @Override
  public void delete(String key) {
    entries.remove(key);
  }

  /** How many keys are stored. */
  public int size() {
    return entries.size();
  }
}
