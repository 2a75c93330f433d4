package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.courier.gateway.auth.TestTokens;
import io.courier.gateway.config.AuthenticationConfig;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.kafka.embedded.TestCertificates;
import io.courier.testing.FakeService;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication per route over real sockets (docs/security.md): API keys and JWT bearer tokens checked
 * against a JWK Set served over HTTPS, 401/403 with their challenges, the identity on the request record,
 * never the credential, and async results readable only by their caller.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AuthenticationIT {
  private static final String KEY = "k-billing-6f1d0c2a9b";

  @TempDir Path dir;

  @Test
  void callersAreCheckedPerRouteAndOnlyTheirIdentityReachesTheService(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("auth.requests", 1);
    GatewayTester.createResponseTopic(kafka, "auth.responses", 1);
    TestTokens issuer = new TestTokens();
    AtomicInteger jwksFetches = new AtomicInteger();
    TestCertificates certificates = TestCertificates.generate(dir.resolve("tls"), "changeit");
    HttpsServer jwksServer = jwksServer(certificates, issuer.jwks(), jwksFetches);
    String yaml = """
        instance-id: auth-gw
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: auth.responses}
        authentication:
          api-keys: {keys: [{name: billing, sha256: %s}]}
          jwt:
            jwks-url: "https://localhost:%d/jwks"
            jwks-ca-file: "%s"
            issuer: "%s"
            audience: %s
            forward-claims: [tenant]
        services:
          - name: orders
            request-topic: auth.requests
            authentication: [jwt, api-key]
            routes:
              - {name: create, method: POST, path: /orders}
              - {name: remove, method: DELETE, path: "/orders/{id}", authentication: jwt, scopes: [orders:admin]}
              - {name: ping, method: GET, path: /ping, authentication: none}
              - {name: quote, method: GET, path: /quote, rate-limit: {requests-per-second: 0.2, burst: 2}}
        """.formatted(HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash(KEY)), jwksServer.getAddress().getPort(),
            certificates.caCertificate(), TestTokens.ISSUER, TestTokens.AUDIENCE);
    String alice = "Bearer " + issuer.rs256(TestTokens.claims("alice", Instant.now()).claim("tenant", "acme").build());
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "auth.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // The JWK Set is fetched off the event loops: until it is, JWT callers get 503, never an open door.
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.send("POST", "/orders", "{}", "authorization", alice).statusCode() != 503);
      service.clearRequests();

      // no credentials: 401 with a challenge per method, nothing produced
      HttpResponse<String> missing = gateway.send("POST", "/orders", "{}");
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("www-authenticate"))
          .hasValue("Bearer realm=\"courier\", ApiKey realm=\"courier\", header=\"x-api-key\"");
      assertThat(missing.body()).contains("urn:courier:problem:unauthorized");
      // a wrong key, an expired or foreign token: 401 invalid, nothing of the credential in the answer
      HttpResponse<String> wrongKey = gateway.send("POST", "/orders", "{}", "x-api-key", KEY + "0");
      assertThat(wrongKey.statusCode()).isEqualTo(401);
      assertThat(wrongKey.body()).doesNotContain(KEY);
      String expired = issuer.rs256(TestTokens.claims("alice", Instant.now().minusSeconds(7200))
          .expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
      HttpResponse<String> expiredAnswer = gateway.send("POST", "/orders", "{}", "authorization", "Bearer " + expired);
      assertThat(expiredAnswer.statusCode()).isEqualTo(401);
      assertThat(expiredAnswer.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"", "expired");
      JWTClaimsSet otherAudience = TestTokens.claims("alice", Instant.now()).audience("another-api").build();
      assertThat(gateway.send("POST", "/orders", "{}", "authorization", "Bearer " + issuer.rs256(otherAudience)).statusCode()).isEqualTo(401);
      assertThat(service.requestsSeen()).as("no refused request reaches Kafka").isZero();

      // an API key: its name is the identity; the key itself never reaches Kafka
      assertThat(gateway.send("POST", "/orders", "{}", "x-api-key", KEY).statusCode()).isEqualTo(200);
      ConsumerRecord<byte[], byte[]> byKey = service.takeRequest();
      assertThat(header(byKey, "courier-identity")).isEqualTo("billing");
      assertThat(header(byKey, "courier-identity-kind")).isEqualTo("api-key");
      assertThat(byKey.headers().lastHeader("x-api-key")).isNull();
      // a token: its subject, and the claims configured, and never the Authorization header
      assertThat(gateway.send("POST", "/orders", "{}", "authorization", alice).statusCode()).isEqualTo(200);
      ConsumerRecord<byte[], byte[]> byToken = service.takeRequest();
      assertThat(header(byToken, "courier-identity")).isEqualTo("alice");
      assertThat(header(byToken, "courier-identity-kind")).isEqualTo("jwt");
      assertThat(header(byToken, "courier-identity-claim.tenant")).isEqualTo("acme");
      assertThat(io.courier.protocol.RequestEnvelope.fromHeaders(byToken.headers()).identity())
          .isEqualTo(new io.courier.protocol.CallerIdentity("jwt", "alice", java.util.Map.of("tenant", "acme")));
      for (var recorded : byToken.headers()) {
        assertThat(new String(recorded.value(), StandardCharsets.ISO_8859_1)).doesNotContain(alice.substring(7));
      }

      // scopes: a valid token without the route's scope is 403, with it 200
      HttpResponse<String> forbidden = gateway.send("DELETE", "/orders/7", null, "authorization", alice);
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(forbidden.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"insufficient_scope\"", "scope=\"orders:admin\"");
      assertThat(gateway.send("DELETE", "/orders/7", null, "x-api-key", KEY).statusCode()).as("an API key is not enough here").isEqualTo(401);
      String admin = "Bearer " + issuer.es256(TestTokens.claims("root", Instant.now()).claim("scope", "orders:read orders:admin").build());
      assertThat(gateway.send("DELETE", "/orders/7", null, "authorization", admin).statusCode()).isEqualTo(200);
      service.takeRequest();
      // an open route asks nothing, and sends no identity
      assertThat(gateway.send("GET", "/ping", null).statusCode()).isEqualTo(200);
      assertThat(service.takeRequest().headers().lastHeader("courier-identity")).isNull();

      // a rate limit per caller: billing's third request in a row is 429, alice still has hers
      assertThat(gateway.send("GET", "/quote", null, "x-api-key", KEY).statusCode()).isEqualTo(200);
      assertThat(gateway.send("GET", "/quote", null, "x-api-key", KEY).statusCode()).isEqualTo(200);
      HttpResponse<String> limited = gateway.send("GET", "/quote", null, "x-api-key", KEY);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.body()).contains("urn:courier:problem:rate-limited");
      assertThat(Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 5);
      assertThat(gateway.send("GET", "/quote", null, "authorization", alice).statusCode()).isEqualTo(200);
      assertThat(gateway.counter("courier.errors", "route", "quote", "error", "rate-limited")).isEqualTo(1);
      service.takeRequest();
      service.takeRequest();
      service.takeRequest();

      assertThat(gateway.counter("courier.authentication.refused", "route", "create", "reason", "missing")).isEqualTo(1);
      assertThat(gateway.counter("courier.authentication.refused", "route", "create", "reason", "invalid")).isEqualTo(2);
      assertThat(gateway.counter("courier.authentication.refused", "route", "create", "reason", "expired")).isEqualTo(1);
      assertThat(gateway.counter("courier.authentication.refused", "route", "remove", "reason", "forbidden")).isEqualTo(1);

      // an async result is its caller's: another caller is told it does not exist
      service.silent();
      HttpResponse<String> accepted = gateway.send("POST", "/orders", "{}", "x-api-key", KEY, "prefer", "respond-async");
      assertThat(accepted.statusCode()).isEqualTo(202);
      String location = accepted.headers().firstValue("location").orElseThrow();
      assertThat(gateway.send("GET", location, null, "x-api-key", KEY).statusCode()).isEqualTo(200);
      assertThat(gateway.send("GET", location, null, "authorization", alice).statusCode()).isEqualTo(404);
      assertThat(gateway.send("DELETE", location, null, "authorization", alice).statusCode()).isEqualTo(404);
      // without credentials, or with bad ones, the same 404 as an unknown id: nothing says the id exists
      HttpResponse<String> anonymous = gateway.send("GET", location, null);
      assertThat(anonymous.statusCode()).isEqualTo(404);
      assertThat(anonymous.headers().firstValue("www-authenticate")).isEmpty();
      assertThat(gateway.send("GET", location, null, "x-api-key", KEY + "0").statusCode()).isEqualTo(404);
      // a key sent twice is refused, whichever copy is right
      assertThat(gateway.send(gateway.request("POST", "/orders", "{}").header("x-api-key", KEY).header("x-api-key", "wrong")).statusCode())
          .isEqualTo(401);
    } finally {
      jwksServer.stop(0);
    }
    assertThat(jwksFetches.get()).isPositive();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** An HTTPS server on loopback serving {@code jwks} at {@code /jwks}, with the test CA's certificate. */
  private static HttpsServer jwksServer(TestCertificates certificates, String jwks, AtomicInteger fetches) throws Exception {
    KeyStore store = KeyStore.getInstance(certificates.type());
    try (InputStream in = Files.newInputStream(certificates.keystore())) {
      store.load(in, certificates.password().toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, certificates.password().toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/jwks", exchange -> {
      fetches.incrementAndGet();
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", "application/jwk-set+json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }
}
