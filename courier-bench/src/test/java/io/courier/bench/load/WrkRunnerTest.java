package io.courier.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading wrk's output and writing its script, without running wrk (WrkRunnerIT runs it). */
class WrkRunnerTest {

  @Test
  void theHooksLineIsFoundAmongWrksOwnOutput() {
    String output = String.join("\n",
        "Running 3s test @ http://127.0.0.1:40211/echo",
        "  1 threads and 16 connections",
        "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
        "    Latency     1.93ms  812.11us  21.35ms   88.41%",
        "  24781 requests in 3.00s, 9.98MB read",
        "  Non-2xx or 3xx responses: 12",
        "Requests/sec:   8259.63",
        "Transfer/sec:      3.33MB",
        "COURIER-WRK requests=24781 duration_us=3000419 socket_errors=2 status_errors=12 p50_us=1812.0 p99_us=4977.5 p999_us=11034.0",
        "");

    WrkRunner.Result result = WrkRunner.parse(output);

    assertThat(result.requests()).isEqualTo(24781);
    assertThat(result.durationMicros()).isEqualTo(3_000_419);
    assertThat(result.socketErrors()).isEqualTo(2);
    assertThat(result.statusErrors()).isEqualTo(12);
    assertThat(result.p50Micros()).isEqualTo(1812.0);
    assertThat(result.p99Micros()).isEqualTo(4977.5);
    assertThat(result.p999Micros()).isEqualTo(11034.0);
  }

  @Test
  void outputWithoutTheHooksLineIsAnErrorThatShowsTheOutput() {
    String output = "unable to connect to 127.0.0.1:1 Connection refused\n";

    assertThatThrownBy(() -> WrkRunner.parse(output))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Connection refused");
  }

  @Test
  void theScriptPostsTheBodyAsJsonAndPrintsTheFiguresOnOneLine() {
    String script = WrkRunner.script("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(script)
        .contains("wrk.method = \"POST\"", "wrk.body = [[{\"id\":\"x\"}]]", "wrk.headers[\"Content-Type\"] = \"application/json\"")
        .contains("latency:percentile(99.9)", WrkRunner.RESULT_MARKER);
  }

  @Test
  void aBodyThatWouldEndTheLuaStringIsRefused() {
    assertThatThrownBy(() -> WrkRunner.script("[[x]]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
