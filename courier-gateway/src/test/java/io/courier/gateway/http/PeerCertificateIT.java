package io.courier.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.TlsConfig;
import io.courier.gateway.testing.TestCertificates;
import io.courier.gateway.testing.TestCertificates.Authority;
import io.courier.gateway.testing.TestCertificates.PemFiles;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code client-auth: request}, a handler reads the caller's certificate from {@code
 * request.connection().peerCertificates()} (how route authentication {@code mtls} learns who calls), and a
 * caller without one is still served.
 */
class PeerCertificateIT {
  @TempDir Path dir;

  @Test
  void aHandlerReadsTheCallersCertificateSubjectAndACallerWithoutOneIsServed() throws Exception {
    Authority ca = TestCertificates.authority("Clients CA");
    PemFiles server = ca.server().writePem(dir, "server");
    TlsConfig tls = ConfigLoader.parse("""
        http: {tls: {certificate: %s, key: %s, client-auth: request, trust: %s}}
        kafka: {bootstrap-servers: "localhost:9092"}
        services: [{name: s, request-topic: t, routes: [{method: GET, path: /x}]}]
        """.formatted(server.certificate(), server.key(), ca.writePem(dir.resolve("ca.pem")))).http().tls();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServerOptions options = ServerTls.apply(ServerTls.load(ServerTls.read(tls), vertx).options(), new HttpServerOptions().setPort(0));
      HttpServer listening = vertx.createHttpServer(options).requestHandler(request -> {
        String subject;
        try {
          subject = ((X509Certificate) request.connection().peerCertificates().get(0)).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
          subject = "none";
        }
        request.response().end(subject);
      }).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(get(listening.actualPort(), TestCertificates.clientContext(ca, ca.client("orders-app")))).isEqualTo("CN=orders-app");
      assertThat(get(listening.actualPort(), TestCertificates.clientContext(ca, null))).isEqualTo("none");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String get(int port, SSLContext context) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
