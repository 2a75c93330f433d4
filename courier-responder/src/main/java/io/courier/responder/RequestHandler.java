package io.courier.responder;

import java.util.concurrent.CompletionStage;

/**
 * A service's answer to one request. May complete on any thread. A handler that throws, or whose stage
 * completes exceptionally, is answered with a 500 problem reply; the request is not retried.
 */
@FunctionalInterface
public interface RequestHandler {
  CompletionStage<Reply> handle(Request request) throws Exception;

  /** Adapts a handler that answers synchronously on the responder's thread. */
  static RequestHandler of(SyncRequestHandler handler) {
    return request -> java.util.concurrent.CompletableFuture.completedFuture(handler.handle(request));
  }

  /** A handler that answers before returning. */
  @FunctionalInterface
  interface SyncRequestHandler {
    Reply handle(Request request) throws Exception;
  }
}
