package io.courier.gateway.cors;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.CorsConfig;
import io.courier.gateway.cors.CorsPolicy.Rejection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CORS decisions of one route, without HTTP: origins, methods, header fields, credentials. */
class CorsPolicyTest {

  private static CorsPolicy policy(List<String> origins, boolean credentials) {
    return CorsPolicy.of(
        new CorsConfig(origins, null, CorsConfig.OFF.allowedHeaders(), CorsConfig.OFF.exposedHeaders(), credentials,
            Duration.ofMinutes(10)),
        "POST");
  }

  @Test
  void aRouteWithoutAllowedOriginsHasNoPolicy() {
    assertThat(CorsPolicy.of(CorsConfig.OFF, "GET")).isNull();
  }

  @Test
  void anExactOriginMatchesOnlyItselfWithItsSchemeAndPort() {
    CorsPolicy policy = policy(List.of("https://app.example.com", "http://localhost:8080"), false);

    assertThat(policy.allowsOrigin("https://app.example.com")).isTrue();
    assertThat(policy.allowsOrigin("http://localhost:8080")).isTrue();
    assertThat(policy.allowsOrigin("http://app.example.com")).as("another scheme").isFalse();
    assertThat(policy.allowsOrigin("https://app.example.com:8443")).as("another port").isFalse();
    assertThat(policy.allowsOrigin("http://localhost:8081")).isFalse();
    assertThat(policy.allowsOrigin("https://app.example.com.evil.net")).isFalse();
    assertThat(policy.allowsOrigin("https://evilapp.example.com")).isFalse();
    assertThat(policy.allowsOrigin("null")).as("sandboxed pages and files").isFalse();
  }

  @Test
  void aPatternsStarIsExactlyOneLabelAndSchemeAndPortMustMatch() {
    CorsPolicy policy = policy(List.of("https://*.example.com", "http://*.dev.example.com:3000"), false);

    assertThat(policy.allowsOrigin("https://app.example.com")).isTrue();
    assertThat(policy.allowsOrigin("https://my-app2.example.com")).isTrue();
    assertThat(policy.allowsOrigin("https://example.com")).as("no label").isFalse();
    assertThat(policy.allowsOrigin("https://.example.com")).as("an empty label").isFalse();
    assertThat(policy.allowsOrigin("https://a.b.example.com")).as("two labels").isFalse();
    assertThat(policy.allowsOrigin("http://app.example.com")).as("another scheme").isFalse();
    assertThat(policy.allowsOrigin("https://app.example.com:8443")).as("a port").isFalse();
    assertThat(policy.allowsOrigin("https://evil.net/.example.com")).isFalse();
    assertThat(policy.allowsOrigin("https://app.example.com.evil.net")).isFalse();
    assertThat(policy.allowsOrigin("https://appexample.com")).isFalse();
    assertThat(policy.allowsOrigin("http://web.dev.example.com:3000")).isTrue();
    assertThat(policy.allowsOrigin("http://web.dev.example.com")).as("port missing").isFalse();
    assertThat(policy.allowsOrigin("http://web.dev.example.com:30000")).isFalse();
  }

  @Test
  void theWildcardAllowsEveryOriginAndAnswersStar() {
    CorsPolicy policy = policy(List.of("*"), false);

    assertThat(policy.allowsOrigin("https://anything.example")).isTrue();
    assertThat(policy.allowsOrigin("null")).isTrue();
    assertThat(policy.allowOrigin("https://anything.example")).isEqualTo("*");
    assertThat(policy.allowCredentials()).isFalse();
  }

  @Test
  void withCredentialsTheOriginIsEchoed() {
    CorsPolicy policy = policy(List.of("https://app.example.com"), true);

    assertThat(policy.allowOrigin("https://app.example.com")).isEqualTo("https://app.example.com");
    assertThat(policy.allowCredentials()).isTrue();
  }

  @Test
  void aPreflightIsRefusedForTheOriginTheMethodOrAHeaderField() {
    CorsPolicy policy = policy(List.of("https://app.example.com"), false);

    assertThat(policy.preflight("https://app.example.com", "POST", null)).isNull();
    assertThat(policy.preflight("https://app.example.com", "POST", "Content-Type, IDEMPOTENCY-KEY,prefer")).isNull();
    assertThat(policy.preflight("https://app.example.com", "POST", "content-type,")).as("an empty item").isNull();
    assertThat(policy.preflight("https://other.example.com", "POST", null)).isEqualTo(Rejection.ORIGIN);
    assertThat(policy.preflight("https://app.example.com", "DELETE", null)).isEqualTo(Rejection.METHOD);
    assertThat(policy.preflight("https://app.example.com", "post", null)).as("methods are case-sensitive").isEqualTo(Rejection.METHOD);
    assertThat(policy.preflight("https://app.example.com", "POST", "content-type, authorization")).isEqualTo(Rejection.HEADERS);
  }

  @Test
  void allowedMethodsReplaceTheRoutesOwnAndHeadComesWithGet() {
    CorsPolicy onlyGet = CorsPolicy.of(new CorsConfig(List.of("*"), List.of("GET"), List.of(), List.of(), false, Duration.ZERO), "POST");

    assertThat(onlyGet.allowsActual("https://a.example", "POST")).isFalse();
    assertThat(onlyGet.allowsActual("https://a.example", "GET")).isTrue();
    assertThat(onlyGet.allowsActual("https://a.example", "HEAD")).isTrue();
    assertThat(onlyGet.allowHeaders()).as("nothing beyond the safelisted").isNull();
    assertThat(onlyGet.exposeHeaders()).isNull();
    assertThat(onlyGet.maxAgeSeconds()).isEqualTo("0");
  }

  @Test
  void theHeaderValuesAreTheConfiguredListsAndMaxAgeInSeconds() {
    CorsPolicy policy = policy(List.of("https://app.example.com"), false);

    assertThat(policy.allowHeaders()).isEqualTo("content-type, idempotency-key, prefer");
    assertThat(policy.exposeHeaders()).isEqualTo("location, preference-applied, retry-after");
    assertThat(policy.maxAgeSeconds()).isEqualTo("600");
  }
}
