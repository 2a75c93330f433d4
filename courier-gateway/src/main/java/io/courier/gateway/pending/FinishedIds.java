package io.courier.gateway.pending;

import io.courier.gateway.pending.PendingRequest.State;
import java.util.Arrays;

/**
 * The correlation ids of finished requests and how each ended, so that a reply that finds no waiting request
 * can be told apart as a duplicate, as late, or as never issued. At most {@code capacity} ids, none kept
 * longer than {@code rememberFor} milliseconds; the oldest are forgotten first.
 *
 * <p>Everything lives in arrays allocated once: remembering an id allocates nothing. Kept as objects (a map
 * entry, a queue node, a record with a time stamp: 104 bytes, and the id's string held with them), the ids of a
 * gateway answering thousands of requests a second lived for seconds to minutes: long enough to be copied by
 * young collections and then promoted, to die in the old generation (docs/benchmarks.md, *The ids of finished
 * requests*).
 *
 * <p>An id is kept as a 64-bit hash of its characters. Two ids with one hash (about one chance in 10^14 for a
 * stray reply among 100 000 ids) are taken for each other, which can only change how a stray reply of this
 * instance's is counted: the waiting requests are found by their whole id, and a reply is told to be another
 * instance's by its id before this memory is asked ({@link PendingReplies}). Thread-safe: one lock, held for a
 * few array reads and writes; an id past its time is forgotten a few at a time, at later calls, so that a
 * call after a long quiet spell does not hold the lock while it forgets a hundred thousand.
 */
final class FinishedIds {
  private static final State[] STATES = State.values();
  private static final int EMPTY = 0;
  /** Ids past their time forgotten by one call at most; those left are ignored by lookups until forgotten. */
  private static final int FORGET_PER_CALL = 16;

  private final long rememberForMillis;
  /** A ring of remembered ids, oldest at {@link #oldest}: each one's hash, forget time and end state. */
  private final long[] hashes;
  private final long[] forgetAt;
  private final byte[] states;
  /** Open addressing over the ring, linear probing: a ring slot + 1, or {@link #EMPTY}. */
  private final int[] index;
  private final int mask;
  private int oldest;
  private int size;

  /**
   * @param capacity the most ids kept, 1 to 2^24; arrays for them (25 to 33 bytes an id) are allocated now
   * @param rememberForMillis how long an id is kept, in milliseconds, at least 0
   * @throws IllegalArgumentException when {@code capacity} is below 1 or above 2^24, or {@code rememberForMillis}
   *     negative
   */
  FinishedIds(int capacity, long rememberForMillis) {
    if (capacity < 1 || capacity > 1 << 24) {
      throw new IllegalArgumentException("capacity must be 1 to 2^24: " + capacity);
    }
    if (rememberForMillis < 0) {
      throw new IllegalArgumentException("rememberForMillis must not be negative: " + rememberForMillis);
    }
    this.rememberForMillis = rememberForMillis;
    this.hashes = new long[capacity];
    this.forgetAt = new long[capacity];
    this.states = new byte[capacity];
    // At most half full, so that probe runs stay short.
    int slots = Integer.highestOneBit(capacity) << 2;
    this.index = new int[slots];
    this.mask = slots - 1;
  }

  /** Remembers that {@code correlationId} ended in {@code state} at {@code nowMillis}. */
  synchronized void remember(String correlationId, State state, long nowMillis) {
    forgetExpired(nowMillis);
    if (size == hashes.length) {
      forgetOldest();
    }
    int slot = (oldest + size) % hashes.length;
    long hash = hash(correlationId);
    hashes[slot] = hash;
    forgetAt[slot] = nowMillis > Long.MAX_VALUE - rememberForMillis ? Long.MAX_VALUE : nowMillis + rememberForMillis;
    states[slot] = (byte) state.ordinal();
    int i = home(hash);
    while (index[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    index[i] = slot + 1;
    size++;
  }

  /** How {@code correlationId} ended, or {@code null} if it is not remembered (never finished here, or forgotten). */
  synchronized State stateOf(String correlationId, long nowMillis) {
    forgetExpired(nowMillis);
    long hash = hash(correlationId);
    for (int i = home(hash); index[i] != EMPTY; i = (i + 1) & mask) {
      int slot = index[i] - 1;
      if (hashes[slot] == hash) {
        return forgetAt[slot] > nowMillis ? STATES[states[slot]] : null;
      }
    }
    return null;
  }

  /** Ids held now: those remembered, and those past their time not yet forgotten. */
  synchronized int size() {
    return size;
  }

  private void forgetExpired(long nowMillis) {
    for (int forgotten = 0; forgotten < FORGET_PER_CALL && size > 0 && forgetAt[oldest] <= nowMillis; forgotten++) {
      forgetOldest();
    }
  }

  /** Removes the oldest id from the index (backward-shift deletion, so no tombstones) and from the ring. */
  private void forgetOldest() {
    int entry = oldest + 1;
    int i = home(hashes[oldest]);
    while (index[i] != entry && index[i] != EMPTY) { // the index is never full: a run always ends
      i = (i + 1) & mask;
    }
    if (index[i] != entry) {
      // Not found: only if the index had lost it, which its upkeep rules out. Then everything is forgotten, rather
      // than throwing or going on with an index that could fill up: this runs as a request finishes, and must never
      // keep the request from its answer; what is lost is how a few stray replies are counted.
      Arrays.fill(index, EMPTY);
      oldest = 0;
      size = 0;
      return;
    }
    // Close the gap: move up each later entry of the run whose home is not between the gap and itself.
    int gap = i;
    for (int j = (gap + 1) & mask; index[j] != EMPTY; j = (j + 1) & mask) {
      int home = home(hashes[index[j] - 1]);
      boolean homeInGapToJ = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (!homeInGapToJ) {
        index[gap] = index[j];
        gap = j;
      }
    }
    index[gap] = EMPTY;
    oldest = (oldest + 1) % hashes.length;
    size--;
  }

  private int home(long hash) {
    return (int) (hash ^ (hash >>> 32)) & mask;
  }

  /** FNV-1a over the UTF-16 units, then MurmurHash3's finaliser so that every bit of the id reaches the low bits. */
  private static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
