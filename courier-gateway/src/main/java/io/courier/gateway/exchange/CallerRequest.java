package io.courier.gateway.exchange;

import io.courier.gateway.path.RequestTarget;
import java.util.List;

/** What an exchange reads of the caller's request; the front end adapts its server's request to it. */
public interface CallerRequest {
  /** The request's path, read and checked ({@link RequestTarget#parse}). */
  RequestTarget target();

  /** The raw query without {@code ?}, as UTF-8 text, or {@code null} when there is none. */
  String query();

  /**
   * Every value of one header field, in order, as HTTP servers hand them over: one {@code char} per byte
   * received (ISO-8859-1), so that the bytes can be recovered exactly.
   *
   * @param name lower case
   */
  List<String> headerValues(String name);
}
