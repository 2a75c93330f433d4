package io.courier.gateway.results;

import io.courier.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's copy of the results topic (ADR 0003): every result of the retention window, by id, and,
 * per idempotency scope, the result that holds it.
 *
 * <p>Claims are decided <em>as they are applied</em>, in the log's order: a claim of a scope that has no live
 * holder when its record is applied becomes the holder; any other loses to the holder of that moment. All
 * claims of one scope are in one partition and every instance applies it in offset order, so every instance
 * gives every claim the same verdict ({@link #verdict}), however its polls are batched.
 *
 * <p>Records written by this instance are also {@link #put} when they are written, so that it sees them at
 * once and never writes an earlier state after a later one; only the log decides claims.
 *
 * <p>Memory is bounded: results older than the retention window are dropped, and past {@code maxBytes} (the
 * sum of {@link StoredResult#weight()}) the oldest results without an idempotency scope go first ({@link
 * #evicted()} counts them). Results of idempotent requests are kept for the whole window: dropping one early
 * would let a retry run the command again, and would let instances disagree about claims.
 *
 * <p>Thread-safe. {@link #apply}, {@link #positionAt} and {@link #forgetExpired} run on the thread reading the
 * results topic ({@code courier-whole-topics-consumer}); everything else on any thread. Callbacks run on the
 * thread that made the change; they must not block.
 */
public final class ResultView {
  private static final Logger LOGGER = LoggerFactory.getLogger(ResultView.class);

  private final Clock clock;
  private final Duration retention;
  private final long maxBytes;
  private final Map<String, StoredResult> byId = new ConcurrentHashMap<>();
  /** Scope → the id holding it. */
  private final Map<String, String> claims = new ConcurrentHashMap<>();
  /** Claim id → the id that held its scope when the claim was applied (itself if it won). */
  private final Map<String, String> verdicts = new ConcurrentHashMap<>();
  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
  /**
   * Ids in arrival order, in two queues: results of idempotent requests (kept for the whole window), and the
   * others, the only ones the memory bound may drop. Apart, so that a view over its bound with idempotent
   * results only does not look through all of them for something to drop on every result it takes.
   */
  private final Queue<String> scoped = new ConcurrentLinkedQueue<>();
  private final Queue<String> evictable = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private final List<PositionWaiter> positionWaiters = new CopyOnWriteArrayList<>();

  private record PositionWaiter(int partition, long offset, CompletableFuture<Void> reached) {}

  /** Told once, when {@code until} holds for the result or the result is forgotten ({@code null}). */
  private record Waiter(Predicate<StoredResult> until, Consumer<StoredResult> then) {}

  /**
   * @param retention how long a result is kept after {@link StoredResult#created()}
   * @param maxBytes the most the view holds (by {@link StoredResult#weight()}) before it drops the oldest
   */
  public ResultView(Clock clock, Duration retention, long maxBytes) {
    this.clock = clock;
    this.retention = retention;
    this.maxBytes = maxBytes;
  }

  /** The result with this id, unless unknown, forgotten or past the retention window. */
  public StoredResult get(String id) {
    StoredResult result = byId.get(id);
    return result == null || expired(result, clock.instant()) ? null : result;
  }

  /** The result that holds the claim on {@code scope} now, or {@code null}. */
  public StoredResult claimOf(String scope) {
    String id = claims.get(scope);
    return id == null ? null : get(id);
  }

  /**
   * The id that held the scope of claim {@code claimId} when that claim was applied: {@code claimId} itself
   * if it won; {@code null} if it has not been applied (or was forgotten).
   */
  public String verdict(String claimId) {
    return verdicts.get(claimId);
  }

  /**
   * A record of the results topic, in offset order; one that is not a result record is skipped (and logged
   * at DEBUG). The thread reading the results topic.
   */
  public void apply(ConsumerRecord<byte[], byte[]> record) {
    try {
      StoredResult result = ResultRecords.read(record);
      apply(new String(record.key(), StandardCharsets.UTF_8), result);
    } catch (ProtocolException e) {
      LOGGER.debug("Skipped a record that is not a result partition={} offset={} reason={}", record.partition(), record.offset(), e.getMessage());
    }
  }

  /** A record read from the log, in offset order: a result, or a tombstone ({@code result == null}) for {@code id}. */
  public void apply(String id, StoredResult result) {
    if (result == null) {
      StoredResult gone = byId.remove(id);
      if (gone != null) {
        bytes.addAndGet(-gone.weight());
        forgetClaim(gone);
      }
      tell(id, null);
      return;
    }
    if (expired(result, clock.instant())) {
      return; // read back from before the window: of no use any more
    }
    if (result.scope() != null && !verdicts.containsKey(id)) {
      String holder = claims.get(result.scope());
      if (holder == null || get(holder) == null) {
        claims.put(result.scope(), id); // the first live claim of the scope in the log's order
        holder = id;
      }
      verdicts.put(id, holder);
    }
    merge(result);
  }

  /**
   * A result this instance writes, seen at once rather than when read back.
   *
   * @return what the view holds for it now: {@code result}, or a later state already known (then {@code
   *     result} is not to be written: it would stand after the later one in the log)
   */
  public StoredResult put(StoredResult result) {
    return merge(result);
  }

  private StoredResult merge(StoredResult incoming) {
    StoredResult[] kept = new StoredResult[1];
    byId.compute(incoming.id(), (id, existing) -> {
      StoredResult next =
          existing != null && existing.state().compareTo(incoming.state()) > 0 ? existing : keepKnownPartition(incoming, existing);
      bytes.addAndGet(next.weight() - (existing == null ? 0 : existing.weight()));
      if (existing == null) {
        (next.scope() == null ? evictable : scoped).add(id);
      }
      kept[0] = next;
      return next;
    });
    tell(incoming.id(), kept[0]);
    evictOverBound();
    return kept[0];
  }

  private static StoredResult keepKnownPartition(StoredResult incoming, StoredResult existing) {
    if (incoming.requestPartition() < 0 && existing != null && existing.requestPartition() >= 0) {
      return incoming.inPartition(existing.requestPartition());
    }
    return incoming;
  }

  /** Tells the waiters of {@code id} whose condition now holds; all of them when it is forgotten ({@code null}). */
  private void tell(String id, StoredResult now) {
    List<Waiter> waiting = waiters.get(id);
    if (waiting == null) {
      return;
    }
    for (Waiter waiter : waiting) {
      if ((now == null || waiter.until().test(now)) && removeWaiter(id, waiter)) {
        waiter.then().accept(now);
      }
    }
  }

  /**
   * Calls {@code waiter} once the result {@code id} is done or cancelled (at once if it is), or with {@code
   * null} if it is forgotten (a claim given up).
   *
   * @return stops waiting (call it when the wait times out)
   */
  public Runnable whenFinal(String id, Consumer<StoredResult> waiter) {
    return when(id, StoredResult::isFinal, waiter);
  }

  /**
   * Calls {@code then} once {@code until} holds for the result {@code id} (at once if it does), or with
   * {@code null} if the result is forgotten.
   *
   * @return stops waiting (call it when the wait times out)
   */
  public Runnable when(String id, Predicate<StoredResult> until, Consumer<StoredResult> then) {
    Waiter waiter = new Waiter(until, then);
    // Added inside compute: a list the writer is going through is never added to behind its back.
    waiters.compute(id, (key, list) -> {
      List<Waiter> waiting = list == null ? new CopyOnWriteArrayList<>() : list;
      waiting.add(waiter);
      return waiting;
    });
    StoredResult now = get(id);
    if (now != null && until.test(now) && removeWaiter(id, waiter)) {
      then.accept(now); // it held before the waiter was in place
    }
    return () -> removeWaiter(id, waiter);
  }

  private boolean removeWaiter(String id, Waiter waiter) {
    boolean[] removed = new boolean[1];
    waiters.computeIfPresent(id, (key, list) -> {
      removed[0] = list.remove(waiter);
      return list.isEmpty() ? null : list;
    });
    return removed[0];
  }

  /** The consumer's position in {@code partition} after a poll: every record before it has been applied. */
  public void positionAt(int partition, long position) {
    positions.put(partition, position);
    for (PositionWaiter waiter : positionWaiters) {
      if (waiter.reached().isDone() || (waiter.partition() == partition && position > waiter.offset())) {
        if (positionWaiters.remove(waiter)) {
          waiter.reached().complete(null); // (a waiter its caller gave up on is just dropped)
        }
      }
    }
  }

  /** Completes once the record at {@code offset} of {@code partition} has been applied. */
  public CompletableFuture<Void> applied(int partition, long offset) {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    positionWaiters.removeIf(waiter -> waiter.reached().isDone()); // given up on (a catch-up that gives up cancels its own)
    PositionWaiter waiter = new PositionWaiter(partition, offset, reached);
    positionWaiters.add(waiter);
    Long position = positions.get(partition);
    if (position != null && position > offset && positionWaiters.remove(waiter)) {
      reached.complete(null);
    }
    return reached;
  }

  /** Drops results past the retention window; the thread reading the results topic, now and then. */
  public void forgetExpired() {
    Instant now = clock.instant();
    forgetExpired(scoped, now);
    forgetExpired(evictable, now);
  }

  private void forgetExpired(Queue<String> arrivals, Instant now) {
    for (String id = arrivals.peek(); id != null; id = arrivals.peek()) {
      StoredResult oldest = byId.get(id);
      if (oldest != null && !expired(oldest, now)) {
        return;
      }
      arrivals.remove(id); // by id, not poll(): the memory bound may have taken the head meanwhile
      if (oldest != null) {
        forget(id);
      }
    }
  }

  /**
   * Drops the oldest results without a scope while the view is over its bound; when only results of
   * idempotent requests are left it stops at once (they are kept for their window).
   */
  private void evictOverBound() {
    while (bytes.get() > maxBytes) {
      String id = evictable.poll();
      if (id == null) {
        return;
      }
      StoredResult result = byId.get(id);
      if (result != null && result.scope() != null) {
        scoped.add(id); // a later state of it carries a key: kept for its window, and expired from there
      } else if (result != null && forget(id)) {
        evicted.incrementAndGet();
      }
    }
  }

  /** Whether this call removed the result. */
  private boolean forget(String id) {
    StoredResult removed = byId.remove(id);
    if (removed != null) {
      bytes.addAndGet(-removed.weight());
      forgetClaim(removed);
    }
    return removed != null;
  }

  private void forgetClaim(StoredResult result) {
    if (result.scope() != null) {
      claims.remove(result.scope(), result.id());
      verdicts.remove(result.id());
    }
  }

  private boolean expired(StoredResult result, Instant now) {
    return !result.created().plus(retention).isAfter(now);
  }

  /** Results held now. */
  public int size() {
    return byId.size();
  }

  /** Roughly how many bytes the results held take ({@link StoredResult#weight()}). */
  public long bytes() {
    return bytes.get();
  }

  /** Results dropped before their time to keep within the memory bound. */
  public long evicted() {
    return evicted.get();
  }

  /** Ids kept in arrival order; for tests (no more than the results of the window and those forgotten since). */
  int trackedIds() {
    return scoped.size() + evictable.size();
  }

  /** Waits for results that are still registered; for tests. */
  int waiting() {
    return waiters.values().stream().mapToInt(List::size).sum();
  }
}
