package io.courier.responder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether the caller of a request has given up on it: it disconnected, or cancelled its command with {@code
 * DELETE} on the result's {@code Location} (docs/protocol.md, "Cancellation"). A handler may check {@link
 * #isCancelled()} between steps, or {@link #onCancel register} an action that stops its work. Once a request
 * is cancelled no reply is produced for it, whatever the handler still does, and its slot is free.
 *
 * <p>Thread-safe. Actions run once, on the thread that cancels (the responder's poll thread), or at once on
 * the registering thread if the request is cancelled already; they must not block.
 */
public final class Cancellation {
  /** A cancellation that never happens, e.g. for requests built in tests. */
  public static final Cancellation NEVER = new Cancellation();

  private final List<Runnable> actions = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  private Cancellation() {}

  /** Whether the request has been cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Runs {@code action} once when the request is cancelled; at once if it is already. */
  public void onCancel(Runnable action) {
    if (this == NEVER) {
      return;
    }
    actions.add(action);
    if (cancelled && actions.remove(action)) {
      action.run();
    }
  }

  /** The side that cancels: owned by the responder, which hands the {@link #token()} to the handler. */
  public static final class Source {
    private final Cancellation token = new Cancellation();

    public Cancellation token() {
      return token;
    }

    /** Cancels the token and runs its actions; a second call does nothing. @return whether this call cancelled it */
    public boolean cancel() {
      if (token.cancelled) {
        return false;
      }
      token.cancelled = true;
      for (Runnable action : token.actions) {
        if (token.actions.remove(action)) {
          action.run();
        }
      }
      return true;
    }
  }
}
