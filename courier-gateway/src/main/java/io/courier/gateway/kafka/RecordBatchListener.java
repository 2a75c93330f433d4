package io.courier.gateway.kafka;

/**
 * Told when a consumer thread starts and ends handling the records of one poll, so that work those records
 * cause (responses to write on event loops) can be handed over once per batch instead of once per record.
 * Both calls happen on the consumer thread and must not block.
 */
public interface RecordBatchListener {
  /** For consumers whose records cause no work to hand over. */
  RecordBatchListener NONE = new RecordBatchListener() {
    @Override
    public void batchStarted() {}

    @Override
    public void batchEnded() {}
  };

  void batchStarted();

  void batchEnded();
}
