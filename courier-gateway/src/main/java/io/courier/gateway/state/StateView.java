package io.courier.gateway.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.gateway.config.StateConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's copy of one state topic (ADR 0004): the latest state of each entity, by entity id, and the
 * callers waiting for an entity to reach a state.
 *
 * <p>Memory is bounded by {@code maxEntities}: past it the least recently used entity (read or written) is
 * dropped and counted ({@link #evicted()}). A caller waiting for a dropped entity still gets its next state;
 * only an entity that changes no more and is asked for after it was dropped is answered as unknown.
 *
 * <p>A record without a key, or whose state cannot be read where {@code state.field} says, is skipped (and
 * counted, {@link #skipped()}); a tombstone (no value) forgets the entity.
 *
 * <p>Thread-safe: {@link #apply} runs on the thread reading the state topics ({@code
 * courier-whole-topics-consumer}), everything else on any thread. The map is guarded by the view's lock, held
 * only for map operations; callbacks run after it is released, on the thread that made the change, and must
 * not block.
 */
public final class StateView {
  private static final Logger LOGGER = LoggerFactory.getLogger(StateView.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final StateConfig.StateField field;
  private final int maxEntities;
  private final Map<String, EntityState> entities;
  private final Map<String, List<Watcher>> watchers = new HashMap<>();
  private long evicted;
  private long skipped;

  private record Watcher(Predicate<EntityState> until, Consumer<EntityState> then) {}

  /**
   * @param field where the state is in a record
   * @param maxEntities the most entities kept; at least 1
   */
  public StateView(String topic, StateConfig.StateField field, int maxEntities) {
    this.topic = topic;
    this.field = field;
    this.maxEntities = maxEntities;
    // Access order: a get counts as a use, so entities callers ask about stay longest.
    this.entities = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, EntityState> eldest) {
        if (size() > StateView.this.maxEntities) {
          evicted++;
          return true;
        }
        return false;
      }
    };
  }

  public String topic() {
    return topic;
  }

  /** The entity's latest state, or {@code null} when unknown (never written, deleted, or dropped). */
  public synchronized EntityState get(String entity) {
    return entities.get(entity);
  }

  /** A record of the state topic, in offset order per partition. The thread reading the state topics. */
  public void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      skip(record, "it has no key (the key must be the entity id)");
      return;
    }
    String entity = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      synchronized (this) {
        entities.remove(entity);
      }
      return;
    }
    String state = stateOf(record);
    if (state == null) {
      skip(record, "it has no state at " + field.text());
      return;
    }
    apply(new EntityState(entity, state, record.value()));
  }

  /** A new state of an entity; tells those waiting for it whose condition now holds. */
  void apply(EntityState now) {
    List<Watcher> told = new ArrayList<>();
    synchronized (this) {
      entities.put(now.entity(), now);
      List<Watcher> waiting = watchers.get(now.entity());
      if (waiting != null) {
        waiting.removeIf(watcher -> watcher.until().test(now) && told.add(watcher));
        if (waiting.isEmpty()) {
          watchers.remove(now.entity());
        }
      }
    }
    told.forEach(watcher -> watcher.then().accept(now));
  }

  /**
   * Calls {@code then} once, with the entity's state, as soon as {@code until} holds for it: at once (on this
   * thread) if it holds for the state known now, else on the thread that applies the state that makes it
   * hold. Registering and looking at the state known now happen under one lock, so no state slips between
   * them: a state written before the call is either known now or applied after the watcher is in place.
   *
   * @return stops watching; idempotent, any thread
   */
  public Runnable watch(String entity, Predicate<EntityState> until, Consumer<EntityState> then) {
    Watcher watcher = new Watcher(until, then);
    EntityState now;
    synchronized (this) {
      now = entities.get(entity);
      if (now == null || !until.test(now)) {
        watchers.computeIfAbsent(entity, id -> new ArrayList<>()).add(watcher);
        return () -> unwatch(entity, watcher);
      }
    }
    then.accept(now);
    return () -> {};
  }

  private synchronized void unwatch(String entity, Watcher watcher) {
    List<Watcher> waiting = watchers.get(entity);
    if (waiting != null && waiting.remove(watcher) && waiting.isEmpty()) {
      watchers.remove(entity);
    }
  }

  /** Entities kept now. */
  public synchronized int size() {
    return entities.size();
  }

  /** Callers waiting now, over all entities. */
  public synchronized int waiting() {
    return watchers.values().stream().mapToInt(List::size).sum();
  }

  /** Entities dropped to stay under {@code maxEntities}, since start. */
  public synchronized long evicted() {
    return evicted;
  }

  /** Records skipped because they had no key or no readable state, since start. */
  public synchronized long skipped() {
    return skipped;
  }

  private String stateOf(ConsumerRecord<byte[], byte[]> record) {
    if (field.header() != null) {
      Header header = record.headers().lastHeader(field.header());
      return header == null || header.value() == null || header.value().length == 0
          ? null
          : new String(header.value(), StandardCharsets.UTF_8);
    }
    try {
      JsonNode state = JSON.readTree(record.value()).at(field.pointer());
      return state.isTextual() || state.isNumber() || state.isBoolean() ? state.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
    synchronized (this) {
      skipped++;
    }
    LOGGER.debug("Skipped a state record topic={} partition={} offset={} reason={}", topic, record.partition(), record.offset(), why);
  }
}
