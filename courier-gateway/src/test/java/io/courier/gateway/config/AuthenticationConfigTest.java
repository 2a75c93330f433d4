package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticationConfigTest {
  private static final String KEY_HASH = HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash("k-1"));

  @TempDir Path dir;

  private static GatewayConfig load(String authentication, String service, String route) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        %s
        services:
          - name: s
            request-topic: t
            %s
            routes:
              - {method: GET, path: /a %s}
              - {method: POST, path: /a}
        """.formatted(authentication, service, route), name -> "CI_KEY".equals(name) ? "  k-from-env-0123456789 " : "SHORT_KEY".equals(name) ? "short" : null);
  }

  private static final String KEYS = "authentication: {api-keys: {keys: [{name: billing, sha256: " + KEY_HASH + "}]}}";
  private static final String JWT =
      "authentication: {jwt: {jwks-url: \"https://idp.example.com/jwks\", issuer: \"https://idp.example.com/\", audience: courier}}";

  @Test
  void withoutAuthenticationEveryRouteIsOpen() {
    assertThat(load("", "", "").routes()).allMatch(route -> route.access().equals(RouteAccess.OPEN));
    assertThat(load("", "", "").authentication().configured()).isFalse();
  }

  @Test
  void keysComeAsHashesFilesOrEnvironmentVariablesAndAreKeptOnlyAsHashes() throws Exception {
    Path file = Files.writeString(dir.resolve("ops.key"), "k-from-file-0123456789\n");
    GatewayConfig config = load(
        "authentication: {api-keys: {header: X-Key, keys: [{name: billing, sha256: " + KEY_HASH.toUpperCase() + "}, {name: ops, file: \""
            + file + "\"}, {name: ci, env: CI_KEY}]}}",
        "authentication: api-key", "");

    AuthenticationConfig.ApiKeys keys = config.authentication().apiKeys();
    assertThat(keys.header()).isEqualTo("x-key");
    assertThat(keys.keys()).extracting(AuthenticationConfig.ApiKey::name).containsExactly("billing", "ops", "ci");
    assertThat(keys.keys().get(1).sha256()).isEqualTo(AuthenticationConfig.ApiKey.hash("k-from-file-0123456789"));
    assertThat(keys.keys().get(2).sha256()).isEqualTo(AuthenticationConfig.ApiKey.hash("k-from-env-0123456789"));
    assertThat(config.routes().get(0).access()).isEqualTo(new RouteAccess(List.of(AuthMethod.API_KEY), List.of(), Map.of()));
  }

  @Test
  void badKeysAreRefusedWithoutEverPrintingAKey() throws Exception {
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, sha256: k-1}]}}", "authentication: none", ""))
        .hasMessageContaining("authentication.api-keys.keys[0].sha256: must be 64 hex digits (a SHA-256), not the key itself")
        .hasMessageNotContaining("k-1");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, sha256: " + KEY_HASH + ", env: CI_KEY}]}}", "authentication: none", ""))
        .hasMessageContaining("needs exactly one of sha256, file, env");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, env: NOT_SET}]}}", "authentication: none", ""))
        .hasMessageContaining("environment variable NOT_SET is not set");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, file: \"" + dir.resolve("none") + "\"}]}}", "authentication: none", ""))
        .hasMessageContaining("keys[0].file: cannot be read");
    Files.writeString(dir.resolve("two-lines.key"), "SECRETVALUE1-0123456789\nSECRETLINE2-0123456789\n");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, file: \"" + dir.resolve("two-lines.key") + "\"}]}}", "authentication: none", ""))
        .hasMessageContaining("keys[0].file: holds a key with a line break").hasMessageNotContaining("SECRET");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, env: SHORT_KEY}]}}", "authentication: none", ""))
        .hasMessageContaining("keys[0].env: holds a key shorter than 16 characters").hasMessageNotContaining("short\"");
    for (String reserved : java.util.List.of("content-type", "traceparent", "courier-identity", "idempotency-key")) {
      assertThatThrownBy(() -> load("authentication: {api-keys: {header: " + reserved + ", keys: [{name: a, sha256: " + KEY_HASH + "}]}}",
              "authentication: none", ""))
          .as(reserved).hasMessageContaining("api-keys.header: " + reserved + " has a meaning of its own");
    }
    Files.writeString(dir.resolve("same.key"), "k-same-0123456789abc");
    String sameHash = HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash("k-same-0123456789abc"));
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, sha256: " + sameHash + "}, {name: b, file: \"" + dir.resolve("same.key") + "\"}]}}",
            "authentication: none", ""))
        .hasMessageContaining("the same key is listed twice")
        .hasMessageNotContaining("k-same");
    assertThatThrownBy(() -> load("authentication: {api-keys: {keys: [{name: a, sha256: " + KEY_HASH + "}, {name: a, env: CI_KEY}]}}", "authentication: none", ""))
        .hasMessageContaining("two keys are named \"a\"");
    assertThatThrownBy(() -> load("authentication: {api-keys: {header: authorization, keys: [{name: a, sha256: " + KEY_HASH + "}]}}", "authentication: none", ""))
        .hasMessageContaining("api-keys.header: authorization is for bearer tokens");
  }

  @Test
  void jwtSettingsAreReadWithTheirDefaults() {
    AuthenticationConfig.Jwt jwt = load(JWT, "authentication: jwt", "").authentication().jwt();

    assertThat(jwt).isEqualTo(new AuthenticationConfig.Jwt(null, URI.create("https://idp.example.com/jwks"), null, Duration.ofMinutes(5),
        "https://idp.example.com/", "courier", Duration.ofSeconds(60), List.of("RS256", "ES256", "EdDSA"), "scope", List.of()));
  }

  @Test
  void badJwtSettingsAreRefused() {
    String base = "issuer: i, audience: a";
    assertThatThrownBy(() -> load("authentication: {jwt: {" + base + "}}", "authentication: none", ""))
        .hasMessageContaining("authentication.jwt: needs exactly one of jwks-file, jwks-url");
    assertThatThrownBy(() -> load("authentication: {jwt: {jwks-url: \"http://idp.example.com/jwks\", " + base + "}}", "authentication: none", ""))
        .hasMessageContaining("jwks-url: must be an https URL (http only to a loopback address)");
    assertThat(load("authentication: {jwt: {jwks-url: \"http://127.0.0.1:8080/jwks\", " + base + "}}", "authentication: none", "")
        .authentication().jwt().jwksUrl()).hasToString("http://127.0.0.1:8080/jwks");
    assertThatThrownBy(() -> load("authentication: {jwt: {jwks-file: j.json, algorithms: [HS256], " + base + "}}", "authentication: none", ""))
        .hasMessageContaining("jwt.algorithms[0]: must be one of RS256").hasMessageContaining("shared secrets");
    assertThatThrownBy(() -> load("authentication: {jwt: {jwks-file: j.json, algorithms: [none], " + base + "}}", "authentication: none", ""))
        .hasMessageContaining("jwt.algorithms[0]");
    assertThatThrownBy(() -> load("authentication: {jwt: {jwks-file: j.json, issuer: i}}", "authentication: none", ""))
        .hasMessageContaining("'audience' is required");
    assertThatThrownBy(() -> load("authentication: {jwt: {jwks-file: j.json, forward-claims: [\"Tenant Id\"], " + base + "}}", "authentication: none", ""))
        .hasMessageContaining("forward-claims[0]");
  }

  @Test
  void onceCredentialsAreConfiguredEveryRouteMustSayHowItIsProtected() {
    assertThatThrownBy(() -> load(KEYS, "", ""))
        .hasMessageContaining("services[0].routes[0]: authentication is required here or on its service")
        .hasMessageContaining("authentication: none");
    assertThatThrownBy(() -> load(KEYS, "", ", authentication: none")).as("the second route says nothing")
        .hasMessageContaining("services[0].routes[1]: authentication is required");
    GatewayConfig mixed = load(KEYS, "authentication: api-key", ", authentication: none");
    assertThat(mixed.routes().get(0).access()).isEqualTo(RouteAccess.OPEN);
    assertThat(mixed.routes().get(1).access().methods()).containsExactly(AuthMethod.API_KEY);
  }

  @Test
  void routesInheritTheirServicesAccessAndMayOverrideIt() {
    GatewayConfig config = load(JWT, "authentication: jwt\n    scopes: [orders:read]\n    claims: {tenant: acme}",
        ", scopes: [orders:write]");

    assertThat(config.routes().get(0).access()).isEqualTo(new RouteAccess(List.of(AuthMethod.JWT), List.of("orders:write"), Map.of("tenant", "acme")));
    assertThat(config.routes().get(1).access()).isEqualTo(new RouteAccess(List.of(AuthMethod.JWT), List.of("orders:read"), Map.of("tenant", "acme")));
  }

  @Test
  void aCredentialHeaderCanNeitherBeForwardedNorBeTheRecordKey() {
    assertThatThrownBy(() -> load(KEYS, "authentication: api-key\n    forward-headers: [x-api-key]", ""))
        .hasMessageContaining("forwards x-api-key, the header API keys come in");
    for (String header : java.util.List.of("x-api-key", "authorization", "cookie")) {
      assertThatThrownBy(() -> load(KEYS, "authentication: api-key", ", key: \"header:" + header + "\""))
          .as(header).hasMessageContaining("takes its record key from " + header + ", a credential");
    }
  }

  @Test
  void inconsistentAccessIsRefused() {
    assertThatThrownBy(() -> load(KEYS, "authentication: jwt", "")).hasMessageContaining("services[0].authentication: jwt needs authentication.jwt");
    assertThatThrownBy(() -> load(KEYS, "authentication: [none, api-key]", "")).hasMessageContaining("none cannot be combined");
    assertThatThrownBy(() -> load(KEYS, "authentication: api-key\n    scopes: [a]", ""))
        .hasMessageContaining("scopes and claims are checked on JWT bearer tokens");
    assertThatThrownBy(() -> load(KEYS, "authentication: password", "")).hasMessageContaining("must be none, api-key, jwt or mtls, was \"password\"");
    assertThatThrownBy(() -> load(KEYS, "scopes: [a]", "")).hasMessageContaining("sets scopes or claims but not authentication");
  }
}
