package io.courier.responder.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a responder's poll thread, whichever kind of group it consumes with: subscribe, take turns until
 * closed, then finish what is in hand and close the clients; an error stops the loop and is told to the host.
 * What a turn does and how a record is settled (an offset committed, or a record acknowledged) is the
 * subclass's: {@link PollLoop} for consumer groups, {@link ShareLoop} for share groups.
 *
 * <p>Thread confinement: everything but {@link #requestClose()}, {@link #failure()} and {@link #isRunning()}
 * runs on the poll thread.
 */
abstract class ConsumeLoop implements Runnable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConsumeLoop.class);

  final ResponderLoop.Settings settings;
  volatile boolean closing;
  /** What stopped the loop, if an error did. */
  private volatile Throwable failure;

  ConsumeLoop(ResponderLoop.Settings settings) {
    this.settings = settings;
  }

  @Override
  public final void run() {
    try {
      subscribe();
      while (!closing) {
        pollOnce();
      }
    } catch (Throwable e) {
      failure = e;
      LOGGER.error(
          "Responder stopped on an error requestTopic={} groupId={}",
          settings.requestTopic(),
          settings.groupId(),
          e);
    } finally {
      shutdown();
    }
    Throwable stoppedBy = failure;
    if (stoppedBy != null) {
      try {
        settings.onFailure().accept(stoppedBy); // the host decides: restart, fail its health check, exit
      } catch (RuntimeException listener) {
        LOGGER.warn("The responder's failure listener failed requestTopic={}", settings.requestTopic(), listener);
      }
    }
  }

  /** Any thread: stop at the next opportunity. */
  final void requestClose() {
    closing = true;
    wakeup();
  }

  /** Any thread: the error that stopped the loop, or {@code null}. */
  final Throwable failure() {
    return failure;
  }

  /** Any thread: whether the loop is taking requests and has not begun to close. */
  abstract boolean isRunning();

  /** Any thread: interrupts a blocking poll. */
  abstract void wakeup();

  abstract void subscribe();

  /** One turn: take in records, start what fits, settle what is done. */
  abstract void pollOnce();

  /** Finishes what is in hand, settles it and closes both clients; never throws. */
  abstract void shutdown();
}
