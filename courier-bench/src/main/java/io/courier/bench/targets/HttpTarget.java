package io.courier.bench.targets;

import io.courier.bench.load.HttpRoundTrip;
import io.courier.bench.load.RoundTrip;
import io.courier.bench.process.ChildProcess;
import io.vertx.core.Vertx;

/**
 * A target reached over HTTP ({@code POST /echo}) in its own process: Courier, the Spring peer, the HTTP floor;
 * or a {@link #variant} of one: other requests to the same process (Courier's idempotent commands and
 * result lookups).
 */
public final class HttpTarget implements Target {
  private final String name;
  private final ChildProcess process;
  private final Vertx clientVertx;
  private final HttpRoundTrip.Shape shape;
  private final String uri;
  private final boolean ownsProcess;

  public HttpTarget(String name, ChildProcess process, Vertx clientVertx) {
    this(name, process, clientVertx, HttpRoundTrip.Shape.ECHO, "/echo", true);
  }

  private HttpTarget(String name, ChildProcess process, Vertx clientVertx, HttpRoundTrip.Shape shape, String uri, boolean ownsProcess) {
    this.name = name;
    this.process = process;
    this.clientVertx = clientVertx;
    this.shape = shape;
    this.uri = uri;
    this.ownsProcess = ownsProcess;
  }

  /**
   * Another kind of request to this target's process, measured as its own target; closing it leaves the
   * process to this target.
   */
  public HttpTarget variant(String variantName, HttpRoundTrip.Shape variantShape, String variantUri) {
    return new HttpTarget(variantName, process, clientVertx, variantShape, variantUri, false);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Whether this target is the plain {@code POST /echo} of its own process, the request an external
   * generator sends; variants are not.
   */
  public boolean plainEcho() {
    return ownsProcess && shape == HttpRoundTrip.Shape.ECHO;
  }

  /** The path requests go to. */
  public String uri() {
    return uri;
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public RoundTrip roundTrip(int connections) {
    return new HttpRoundTrip(clientVertx, process.port(), connections, shape, uri);
  }

  @Override
  public double cpuSeconds() {
    return process.cpuSeconds();
  }

  @Override
  public void close() {
    if (ownsProcess) {
      process.close();
    }
  }
}
