package io.courier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code courier ws URI [FRAME...]}: a WebSocket client for the gateway's socket endpoint (docs/protocol.md,
 * "WebSocket"), on the JDK's own {@link WebSocket}, so nothing else needs installing. Sends each frame (from
 * the arguments, else one per line of standard input), prints every frame the gateway sends back, one per
 * line, and exits once each request has its final answer: a frame with a {@code status} and its {@code id}
 * (a frame the gateway could not read is answered with {@code "id": null}).
 */
@Command(
    name = "ws",
    mixinStandardHelpOptions = true,
    description = "Send request frames over a WebSocket to the gateway and print the answers.")
final class WsCommand implements Callable<Integer> {
  static final int NOT_ANSWERED = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", description = "The socket's URI, e.g. ws://localhost:8080/ws (wss:// over TLS).")
  URI uri;

  @Parameters(index = "1..*", description = "Request frames, e.g. '{\"id\":\"1\",\"method\":\"GET\",\"path\":\"/customers/c-1001\"}'. None: one per line of standard input.")
  List<String> frames = new ArrayList<>();

  @Option(names = {"-H", "--header"}, description = "A header field of the upgrade request, 'name: value' (e.g. an API key); repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--cacert", description = "A PEM certificate to trust for wss:// (e.g. the demo's self-signed one).")
  Path caCertificate;

  @Option(names = "--timeout", defaultValue = "30s", description = "How long to wait for all answers, e.g. 10s or 500ms (default ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    Duration wait = CliDurations.parse(timeout);
    if (wait == null) {
      System.err.println("courier: --timeout must be a duration like 10s or 500ms, was \"" + timeout + "\"");
      return GatewayCommand.CONFIG_ERROR;
    }
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
      System.err.println("courier: the URI must start with ws:// or wss://, was " + uri);
      return GatewayCommand.CONFIG_ERROR;
    }
    List<String> toSend = frames.isEmpty() ? lines(System.in) : frames;
    if (toSend.isEmpty()) {
      System.err.println("courier: no request frames: give them as arguments or one per line on standard input");
      return GatewayCommand.CONFIG_ERROR;
    }
    Answers answers = new Answers(System.out);
    for (String frame : toSend) {
      answers.expect(frame);
    }
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caCertificate != null) {
      client.sslContext(trusting(caCertificate));
    }
    WebSocket.Builder builder = client.build().newWebSocketBuilder();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        System.err.println("courier: --header must be 'name: value', was \"" + header + "\"");
        return GatewayCommand.CONFIG_ERROR;
      }
      builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    WebSocket socket;
    try {
      socket = builder.buildAsync(uri, answers).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("courier: the socket was not opened: " + refusal(e.getCause()));
      return NOT_ANSWERED;
    }
    for (String frame : toSend) {
      socket.sendText(frame, true).join();
    }
    try {
      answers.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(error -> null).get(2, TimeUnit.SECONDS);
      return 0;
    } catch (TimeoutException e) {
      System.err.println("courier: " + answers.waitingFor() + " requests not answered within " + timeout);
      return NOT_ANSWERED;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("courier: " + e.getCause().getMessage());
      return NOT_ANSWERED;
    } finally {
      socket.abort();
    }
  }

  private static String refusal(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof WebSocketHandshakeException handshake) {
      Object body = handshake.getResponse().body();
      return "HTTP " + handshake.getResponse().statusCode() + (body == null ? "" : " " + body);
    }
    return cause.toString();
  }

  /**
   * Prints each frame as it comes, and completes once every request sent has its final frame. Frames arrive
   * one at a time (the JDK asks for the next only when this returns), so it needs no locking.
   */
  private static final class Answers implements WebSocket.Listener {
    private final PrintStream out;
    /** Final frames still due, by id; the key {@code null} counts frames whose id the gateway cannot read. */
    private final Map<String, Integer> due = new HashMap<>();
    private final StringBuilder text = new StringBuilder();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Answers(PrintStream out) {
      this.out = out;
    }

    void expect(String frame) {
      due.merge(idOf(frame), 1, Integer::sum);
    }

    synchronized int waitingFor() {
      return due.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public synchronized CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        out.println(frame);
        out.flush();
        JsonNode answer = readOrNull(frame);
        if (answer != null && answer.has("status")) {
          String id = answer.path("id").isTextual() ? answer.get("id").textValue() : null;
          due.computeIfPresent(id, (key, count) -> count > 1 ? count - 1 : null);
          if (due.isEmpty()) {
            done.complete(null);
          }
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      done.completeExceptionally(new IllegalStateException("the gateway closed the socket: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      done.completeExceptionally(new IllegalStateException("the socket failed: " + error));
    }

    /** The id the gateway will answer a frame under: its {@code id} if it is a string in a JSON object, else {@code null}. */
    private static String idOf(String frame) {
      JsonNode request = readOrNull(frame);
      return request != null && request.path("id").isTextual() ? request.get("id").textValue() : null;
    }
  }

  private static JsonNode readOrNull(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> lines(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** TLS trusting only the certificates of {@code pem}. */
  private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
