package io.courier.examples;

import io.courier.responder.Reply;
import io.courier.responder.Request;

/** The problem replies the example services send; titles are fixed per problem type, details vary. */
public final class Problems {
  private Problems() {}

  /** 400: the body or a parameter is invalid; {@code detail} names the field. */
  public static Reply invalid(InvalidRequestException e) {
    return Reply.problem(400, "Invalid request", e.getMessage());
  }

  /** 404 with a title naming the kind of thing that was not found, e.g. {@code Order not found}. */
  public static Reply notFound(String title, String detail) {
    return Reply.problem(404, title, detail);
  }

  /** 405 with an {@code allow} header listing the methods the addressed resource accepts. */
  public static Reply methodNotAllowed(Request request, String... allowed) {
    String allow = String.join(", ", allowed);
    return Reply.problem(
            405,
            "Method not allowed",
            request.method() + " is not allowed on " + request.path() + "; allowed: " + allow)
        .header("allow", allow);
  }
}
