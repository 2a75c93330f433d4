package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code courier ws} refuses before it connects; DemoIT runs it against the demo. */
class WsCommandTest {
  @Test
  void aUriThatIsNotAWebSocketOneIsRefused() {
    Cli.Result result = Cli.run("ws", "http://localhost:8080/ws", "{\"id\":\"1\"}");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("ws:// or wss://");
  }

  @Test
  void aTimeoutThatIsNotADurationIsRefused() {
    Cli.Result result = Cli.run("ws", "--timeout", "soon", "ws://localhost:8080/ws", "{\"id\":\"1\"}");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("--timeout");
  }

  @Test
  void aGatewayThatIsNotThereIsReportedAndNothingIsAnswered() {
    Cli.Result result = Cli.run("ws", "ws://localhost:1/ws", "{\"id\":\"1\"}");

    assertThat(result.exitCode()).isEqualTo(WsCommand.NOT_ANSWERED);
    assertThat(result.stderr()).contains("the socket was not opened");
  }

  @Test
  void noFramesOnStandardInputIsRefusedAtOnce() {
    java.io.InputStream original = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("\n  \n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Cli.Result result = Cli.run("ws", "ws://localhost:1/ws");

      assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
      assertThat(result.stderr()).contains("no request frames");
    } finally {
      System.setIn(original);
    }
  }
}
