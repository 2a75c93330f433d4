package io.courier.bench.targets;

import io.courier.bench.load.HttpRoundTrip;
import io.courier.bench.load.RoundTrip;
import io.courier.bench.process.ChildProcess;
import io.vertx.core.Vertx;

/** A target reached over HTTP ({@code POST /echo}) in its own process: Courier, the Spring peer, the HTTP floor. */
public final class HttpTarget implements Target {
  private final String name;
  private final ChildProcess process;
  private final Vertx clientVertx;

  public HttpTarget(String name, ChildProcess process, Vertx clientVertx) {
    this.name = name;
    this.process = process;
    this.clientVertx = clientVertx;
  }

  @Override
  public String name() {
    return name;
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public RoundTrip roundTrip(int connections) {
    return new HttpRoundTrip(clientVertx, process.port(), connections);
  }

  @Override
  public double cpuSeconds() {
    return process.cpuSeconds();
  }

  @Override
  public void close() {
    process.close();
  }
}
