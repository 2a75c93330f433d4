package io.courier.gateway.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Response bodies handed to Vert.x without a copy. {@link Buffer#buffer(byte[])} copies its argument into a
 * new buffer (Vert.x 5.0: {@code BufferImpl(byte[])} allocates and writes the bytes); a reply body is a
 * {@code byte[]} the gateway already owns and never changes (the Kafka consumer's record value, kept as
 * {@code Outcome.Replied.body()}), so the response can be written straight from it. For a 512 KiB reply that
 * is 512 KiB less to allocate and copy per request, on the event loop, and one humongous G1 allocation fewer.
 * Netty then copies the bytes once into its socket buffer, as for any heap buffer.
 *
 * <p>Vert.x has no public wrapping factory in 5.0, so this uses {@link BufferInternal} (its integrators' API,
 * also used for {@code ContextInternal} in {@link ResponseBatches}). Stateless.
 */
final class BodyBuffers {
  private BodyBuffers() {}

  /**
   * A buffer over {@code bytes}, sharing them: neither the caller nor anyone else may change them afterwards.
   */
  static Buffer wrap(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }
}
