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
}
