package io.courier.gateway.pending;

import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Puts the records of one stream back in sequence order ({@code docs/protocol.md}, "Order, gaps,
 * duplicates"): a record ahead of the next expected one waits in a window of {@value #WINDOW} records until
 * the gap before it fills; each record in order goes to the consumer exactly once, the end marker last.
 * Records arrive from two consumer threads (response and forward topics) while partitions move, so every
 * method holds the lock, and the consumer is called under it: it must only queue the record (never block), so
 * that the order it sees is the order they are queued in.
 *
 * <p>Thread-safe.
 */
public final class StreamReorder {
  /** The records a stream may hold ahead of a gap. */
  public static final int WINDOW = 64;

  /** What became of an offered record. */
  public enum Verdict {
    /** Delivered, or held until the gap before it fills. */
    ACCEPTED,
    /** It, or a record it released, was the end marker: the stream is complete. */
    ENDED,
    /** Its number was delivered or is held already. */
    DUPLICATE,
    /** Numbered past the stream's end marker. */
    PAST_END,
    /** More than {@value #WINDOW} ahead of the next record expected. */
    OVERFLOW
  }

  private final TreeMap<Long, StreamRecord> held = new TreeMap<>();
  private long next;
  private long end = -1;
  private boolean closed;
  private volatile long lastProgressMillis;
  private volatile boolean begun;

  /** @param startMillis the time the stream's idle limit counts from until its first record */
  public StreamReorder(long startMillis) {
    this.lastProgressMillis = startMillis;
  }

  /**
   * Takes one record: hands it and any it releases to {@code deliver}, in order, or holds it.
   *
   * @param nowMillis the time of arrival, for the idle limit
   */
  public synchronized Verdict offer(StreamRecord record, Consumer<StreamRecord> deliver, long nowMillis) {
    long sequence = record.sequence();
    if (closed || sequence < next || held.containsKey(sequence)) {
      return end >= 0 && sequence > end ? Verdict.PAST_END : Verdict.DUPLICATE;
    }
    if (end >= 0 && sequence > end) {
      return Verdict.PAST_END;
    }
    if (record.isEnd() && end >= 0) {
      return Verdict.DUPLICATE; // a second end marker, earlier than the first: the first one stands
    }
    if (sequence - next >= WINDOW) {
      return Verdict.OVERFLOW;
    }
    if (record.isEnd()) {
      end = sequence;
      held.tailMap(sequence, false).clear(); // items numbered past the end never go out
    }
    held.put(sequence, record);
    while (!held.isEmpty() && held.firstKey() == next) {
      StreamRecord inOrder = held.pollFirstEntry().getValue();
      next++;
      begun = true;
      lastProgressMillis = nowMillis;
      deliver.accept(inOrder);
      if (inOrder.isEnd()) {
        closed = true;
        return Verdict.ENDED;
      }
    }
    return Verdict.ACCEPTED;
  }

  /**
   * An ordinary (single) reply came for the stream's request: it is the whole answer only if no stream record
   * came before it, and then no stream record is taken after it.
   *
   * @return whether the reply may answer the request
   */
  public synchronized boolean closeForSingleReply() {
    if (closed || next > 0 || !held.isEmpty()) {
      return false;
    }
    closed = true;
    return true;
  }

  /**
   * Whether a record of the stream was delivered: from then on the stream's own limits end it. Records held
   * behind a gap at the start (no record 0 yet) do not count. Any thread.
   */
  public boolean begun() {
    return begun;
  }

  /** Whether records wait behind a gap. */
  public synchronized boolean hasGap() {
    return !held.isEmpty();
  }

  /** When the last record was delivered in order (or the stream started), epoch millis. Any thread. */
  public long lastProgressMillis() {
    return lastProgressMillis;
  }
}
