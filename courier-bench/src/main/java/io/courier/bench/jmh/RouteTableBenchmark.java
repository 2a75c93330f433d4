package io.courier.bench.jmh;

import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.routing.RouteMatch;
import io.courier.gateway.routing.RouteTable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route matching with {@code services} services of five routes each (10, 100 and 1 000 routes) (the demo's shapes: literal, one and two
 * path parameters), for a path matched by the least specific template, and for a path that matches nothing
 * (the worst case: every template is tried). The baseline is an exact-path {@link HashMap} lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteTableBenchmark {
  @Param({"2", "20", "200"})
  public int services;

  private RouteTable table;
  private final Map<String, String> exact = new HashMap<>();
  private String lastPath;

  @Setup
  public void setUp() {
    StringBuilder yaml = new StringBuilder("kafka:\n  bootstrap-servers: localhost:9092\nservices:\n");
    for (int s = 0; s < services; s++) {
      yaml.append("  - name: svc").append(s).append("\n    request-topic: t").append(s).append("\n    routes:\n");
      route(yaml, "POST", "/svc" + s + "/orders");
      route(yaml, "GET", "/svc" + s + "/orders/recent");
      route(yaml, "GET", "/svc" + s + "/orders/{id}");
      route(yaml, "PUT", "/svc" + s + "/baskets/{customer}/items/{sku}");
      route(yaml, "GET", "/svc" + s + "/baskets/{customer}");
      exact.put("POST /svc" + s + "/orders", "svc" + s);
    }
    table = new RouteTable(ConfigLoader.parse(yaml.toString()).routes());
    lastPath = "/svc" + (services - 1) + "/baskets/c-1001/items/sku-42";
  }

  private static void route(StringBuilder yaml, String method, String path) {
    yaml.append("      - method: ").append(method).append("\n        path: \"").append(path).append("\"\n");
  }

  @Benchmark
  public RouteMatch matchTwoParams() {
    return table.match("PUT", lastPath);
  }

  @Benchmark
  public RouteMatch matchNotFound() {
    return table.match("GET", "/nowhere/at/all");
  }

  @Benchmark
  public String baselineExactHashMap() {
    return exact.get("POST /svc0/orders");
  }
}
