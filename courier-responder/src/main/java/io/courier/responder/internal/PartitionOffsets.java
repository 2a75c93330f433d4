package io.courier.responder.internal;

import java.util.TreeSet;

/**
 * The offsets of one assigned partition that are fetched but not yet done, and what may be committed.
 *
 * <p>A record is done once its reply is acknowledged, its reply failed for good, or it was skipped. Records
 * complete in any order (handlers are asynchronous), but the committed offset only moves past a record once
 * every record before it is done: the committable offset is the lowest offset still open, or one past the
 * highest fetched when none is open. Offsets need not be consecutive (compaction, transaction markers).
 *
 * <p>Not thread-safe: used on the poll thread only.
 */
final class PartitionOffsets {
  private static final long NONE = -1L;

  /** Fetched and not yet done, including records still waiting to be handed to the handler. */
  private final TreeSet<Long> open = new TreeSet<>();
  /** How many of the open records are in the handler or waiting for their reply's acknowledgement. */
  private int inFlight;
  private long highestFetched = NONE;
  private long lastCommitted = NONE;

  /** A record was fetched; records of a partition arrive in offset order. */
  void fetched(long offset) {
    if (highestFetched == NONE) {
      // Where we started reading is where the group's committed offset already is (or the reset point):
      // nothing to commit until a record is done.
      lastCommitted = offset;
    }
    open.add(offset);
    highestFetched = Math.max(highestFetched, offset);
  }

  /** A fetched record was handed to the handler (or is being skipped). */
  void started() {
    inFlight++;
  }

  /** A started record is done. */
  void completed(long offset) {
    if (open.remove(offset)) {
      inFlight--;
    }
  }

  /** Records started and not yet done. */
  int inFlight() {
    return inFlight;
  }

  /** The offset to commit: the next record the group must read if this instance stopped now. */
  long committable() {
    if (!open.isEmpty()) {
      return open.first();
    }
    return highestFetched == NONE ? NONE : highestFetched + 1;
  }

  /** Whether {@link #committable()} has moved past what was last committed. */
  boolean hasProgress() {
    return committable() > lastCommitted;
  }

  void committed(long offset) {
    lastCommitted = Math.max(lastCommitted, offset);
  }

  /** A commit failed; the next commit must include this partition again. */
  void commitFailed(long offset) {
    // Only if no later commit was sent meanwhile: that one covers this offset too.
    if (lastCommitted == offset) {
      lastCommitted = offset - 1;
    }
  }
}
