package io.courier.gateway.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * The status document of a result that has no reply (yet): {@code {"id", "status", "route", "created",
 * "deadline"}}, {@code application/json}. {@code status} is {@code pending}, {@code cancelled}, or {@code
 * timed-out} once the deadline has passed without a reply (a late reply still replaces it). Stateless.
 */
public final class ResultDocument {
  public static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Body(String id, String status, String route, String created, String deadline) {}

  private ResultDocument() {}

  /** The status a caller reads for {@code result} at {@code now}. */
  public static String status(StoredResult result, Instant now) {
    return switch (result.state()) {
      case PENDING -> now.isBefore(result.deadline()) ? "pending" : "timed-out";
      case CANCELLED -> "cancelled";
      case DONE -> "done";
    };
  }

  /** As the results topic keeps it: to the millisecond. */
  private static String millis(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
  }

  public static byte[] toJson(StoredResult result, Instant now) {
    try {
      return JSON.writeValueAsBytes(new Body(
          result.id(), status(result, now), result.route(), millis(result.created()), millis(result.deadline())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a status document always serialises", e);
    }
  }
}
