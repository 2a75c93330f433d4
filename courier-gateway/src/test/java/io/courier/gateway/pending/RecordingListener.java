package io.courier.gateway.pending;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every outcome it is told, on whatever thread. */
final class RecordingListener implements PendingRequest.Listener {
  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

  @Override
  public void onOutcome(Outcome outcome) {
    outcomes.add(outcome);
  }

  List<Outcome> outcomes() {
    return outcomes;
  }
}
