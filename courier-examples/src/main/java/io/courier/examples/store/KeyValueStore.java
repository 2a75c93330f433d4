package io.courier.examples.store;

import java.util.Optional;

/**
 * The state of one service: JSON documents keyed by entity id. Implementations are thread-safe; a service
 * that reads, changes and writes an entity serialises those steps itself.
 */
public interface KeyValueStore {

  /** The JSON stored under {@code key}, if any. */
  Optional<String> get(String key);

  /** Every document stored, in no particular order; a snapshot that later writes do not change. */
  java.util.List<String> values();

  /**
   * Stores {@code json} under {@code key}. Returns once the write is durable, so a reply sent after it never
   * announces a change that could be lost.
   *
   * @throws StoreException if the write could not be made durable; the store is then unchanged
   */
  void put(String key, String json);

  /**
   * Removes {@code key}; removing an absent key is allowed. Durable on return, as {@link #put}.
   *
   * @throws StoreException if the removal could not be made durable; the store is then unchanged
   */
  void delete(String key);
}
