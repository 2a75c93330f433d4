package io.courier.gateway.pending;

import io.courier.protocol.HeaderFields;

/**
 * One record of a streamed reply ({@code docs/protocol.md}, "Streamed replies"), as read from the response or
 * the forward topic.
 *
 * @param sequence its {@code courier-stream-seq}
 * @param endStatus the final status of the end marker, or -1 for an item
 * @param headers the record's HTTP header fields (protocol headers left out), as the service wrote them
 * @param value an item's JSON, or the end marker's problem (empty when none); shared, do not modify
 */
public record StreamRecord(long sequence, int endStatus, HeaderFields headers, byte[] value) {
  public boolean isEnd() {
    return endStatus >= 0;
  }
}
