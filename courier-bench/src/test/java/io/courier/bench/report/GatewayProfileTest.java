package io.courier.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stage table reads the gateway's Prometheus histograms and takes quantiles of what one run added. */
class GatewayProfileTest {
  private static String exposition(int fast, int slow) {
    // fast requests take ≤ 0.1 ms, slow ones ≤ 5 ms; another route and another metric are in the text too
    return """
        # TYPE courier_request_stages_seconds histogram
        courier_request_stages_seconds_bucket{route="echo.POST /echo",stage="produce",le="1.0E-4"} %d
        courier_request_stages_seconds_bucket{route="echo.POST /echo",stage="produce",le="0.005"} %d
        courier_request_stages_seconds_bucket{route="echo.POST /echo",stage="produce",le="+Inf"} %d
        courier_request_stages_seconds_bucket{route="echo.POST /other",stage="produce",le="+Inf"} 999
        courier_request_stages_seconds_count{route="echo.POST /echo",stage="produce"} %d
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
        bench_jvm_allocated_bytes %d
        jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} %d
        jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} %s
        """.formatted(fast, fast + slow, fast + slow, fast + slow, (fast + slow) * 20480, (fast + slow) / 100, (fast + slow) / 10000.0);
  }

  @Test
  void quantilesAreOfTheRequestsBetweenTheSnapshotsOnly() {
    GatewayProfile table = new GatewayProfile();
    // before: 1 000 requests, all fast; after: 990 more fast and 10 slow
    GatewayProfile.Snapshot before = GatewayProfile.parse(exposition(1000, 0), "echo.POST /echo");
    GatewayProfile.Snapshot after = GatewayProfile.parse(exposition(1990, 10), "echo.POST /echo");

    table.add("closed c=16 java", before, after, 10);

    // of the run's 1 000: p50 and p99 fast (990 ≥ 500, 990 ≥ 990), p99.9 slow
    assertThat(table.markdown()).contains("| closed c=16 java | produce | 1000 | 0.100 | 0.100 | 5.0 |");
    // and 20 KB allocated per request, one GC pause per 100 requests (0.1 s of pauses in 10 s: 10 ms per second)
    assertThat(table.memoryMarkdown()).contains("| closed c=16 java | 20.0 | 10.00 | 10.0 |");
  }

  @Test
  void anotherRouteOrAnEmptyRunAddsNothing() {
    GatewayProfile table = new GatewayProfile();
    GatewayProfile.Snapshot same = GatewayProfile.parse(exposition(5, 5), "echo.POST /echo");

    table.add("open 1000/s java", same, same, 1);
    table.add("closed c=1 java", GatewayProfile.parse("", "x"), GatewayProfile.parse(exposition(5, 5), "echo.POST /nothing"), 1);

    assertThat(table.isEmpty()).isTrue();
    assertThat(table.markdown()).doesNotContain("open 1000/s").doesNotContain("closed c=1");
  }
}
