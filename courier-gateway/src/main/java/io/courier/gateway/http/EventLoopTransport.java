package io.courier.gateway.http;

import io.vertx.core.transport.Transport;

/**
 * What the event loops run on ({@code http.native-transport}): Linux's epoll through Netty's native transport
 * where its library loads, else Java NIO. Stateless; thread-safe.
 */
public final class EventLoopTransport {
  private EventLoopTransport() {}

  /** Epoll when {@code nativeWanted} and it loads here; otherwise NIO. */
  public static Transport choose(boolean nativeWanted) {
    return nativeWanted && epollLoads() ? Transport.EPOLL : Transport.NIO;
  }

  /** Why epoll did not load here, for the start log; Netty's load failures hide the reason in a cause. */
  public static String whyNotNative() {
    if (Transport.EPOLL == null) {
      return "Netty's epoll classes are not on the class path";
    }
    Throwable cause = Transport.EPOLL.unavailabilityCause();
    return cause != null ? withCauses(cause) : "no epoll on " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  /** Whether Netty's epoll loads here; Vert.x leaves {@link Transport#EPOLL} null when its classes are missing. */
  private static boolean epollLoads() {
    return Transport.EPOLL != null && Transport.EPOLL.available();
  }

  /** A throwable and its causes on one line, outermost first. */
  private static String withCauses(Throwable e) {
    StringBuilder line = new StringBuilder(e.toString());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (!line.toString().endsWith(cause.toString())) { // a wrapper's message often is its cause's toString
        line.append(": ").append(cause);
      }
    }
    return line.toString();
  }
}
