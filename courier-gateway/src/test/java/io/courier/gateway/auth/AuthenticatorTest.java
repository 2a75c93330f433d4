package io.courier.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.courier.gateway.config.AuthMethod;
import io.courier.gateway.config.AuthenticationConfig;
import io.courier.gateway.config.RouteAccess;
import io.courier.gateway.error.GatewayError;
import io.courier.testing.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3a without a server: API keys, JWT bearer tokens against a JWK Set file, client certificates. */
class AuthenticatorTest {
  private static TestTokens issuer;

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final Map<String, String> headers = new HashMap<>();
  private String clientCertificate;
  private Authenticator authenticator;

  @BeforeAll
  static void keys() {
    issuer = new TestTokens();
  }

  @AfterEach
  void close() {
    if (authenticator != null) {
      authenticator.close();
    }
  }

  private Authenticator authenticator(Path jwks, List<String> forwardClaims) {
    authenticator =
        new Authenticator(
            new AuthenticationConfig(
                new AuthenticationConfig.ApiKeys("x-api-key", List.of(
                    new AuthenticationConfig.ApiKey("billing", AuthenticationConfig.ApiKey.hash("k-billing-0123456789")))),
                new AuthenticationConfig.Jwt(jwks, null, null, Duration.ofMinutes(5), TestTokens.ISSUER, TestTokens.AUDIENCE,
                    Duration.ofSeconds(60), AuthenticationConfig.Jwt.DEFAULT_ALGORITHMS, "scope", forwardClaims)),
            clock);
    return authenticator;
  }

  private Authenticator authenticator() {
    return authenticator(issuer.writeJwks(dir.resolve("jwks.json")), List.of("tenant"));
  }

  private Authentication check(RouteAccess access) {
    return authenticator.authenticate(access, name -> headers.containsKey(name) ? List.of(headers.get(name)) : List.of(), () -> clientCertificate);
  }

  private static RouteAccess only(AuthMethod method) {
    return new RouteAccess(List.of(method), List.of(), Map.of());
  }

  private static Authentication.Refused refused(Authentication outcome) {
    assertThat(outcome).isInstanceOf(Authentication.Refused.class);
    return (Authentication.Refused) outcome;
  }

  private static Identity allowed(Authentication outcome) {
    assertThat(outcome).isInstanceOf(Authentication.Allowed.class);
    return ((Authentication.Allowed) outcome).identity();
  }

  private JWTClaimsSet.Builder claims() {
    return TestTokens.claims("alice", clock.instant());
  }

  @Test
  void anOpenRouteAsksNothing() {
    authenticator();
    assertThat(check(RouteAccess.OPEN)).isSameAs(Authentication.Allowed.ANONYMOUS);
  }

  @Test
  void aKnownApiKeyIsItsNamedCaller() {
    authenticator();
    headers.put("x-api-key", "k-billing-0123456789");

    assertThat(allowed(check(only(AuthMethod.API_KEY)))).isEqualTo(new Identity(AuthMethod.API_KEY, "billing", Map.of()));
  }

  @Test
  void anUnknownApiKeyIsInvalidAndAMissingOneIsMissing() {
    authenticator();
    Authentication.Refused missing = refused(check(only(AuthMethod.API_KEY)));
    assertThat(missing.error()).isEqualTo(GatewayError.UNAUTHORIZED);
    assertThat(missing.reason()).isEqualTo("missing");
    assertThat(missing.challenge()).isEqualTo("ApiKey realm=\"courier\", header=\"x-api-key\"");

    headers.put("x-api-key", "k-billing-0123456789x");
    Authentication.Refused invalid = refused(check(only(AuthMethod.API_KEY)));
    assertThat(invalid.reason()).isEqualTo("invalid");
    assertThat(invalid.detail()).doesNotContain("k-billing");
  }

  @Test
  void tokensOfEachAlgorithmFamilyAreAccepted() {
    authenticator();
    for (String token : List.of(issuer.rs256(claims().build()), issuer.es256(claims().build()), issuer.edDsa(claims().build()))) {
      headers.put("authorization", "Bearer " + token);
      assertThat(allowed(check(only(AuthMethod.JWT))).name()).isEqualTo("alice");
    }
  }

  @Test
  void theBearerSchemeIsCaseInsensitiveAndConfiguredClaimsAreForwarded() {
    authenticator();
    headers.put("authorization", "bearer " + issuer.rs256(claims().claim("tenant", "acme").claim("email", "a@x").build()));

    Identity identity = allowed(check(only(AuthMethod.JWT)));

    assertThat(identity.method()).isEqualTo(AuthMethod.JWT);
    assertThat(identity.claims()).isEqualTo(Map.of("tenant", "acme"));
    assertThat(identity.scope()).isEqualTo("jwt:alice");
  }

  @Test
  void anExpiredTokenIsRefusedAsExpiredButWithinTheClockSkewItPasses() {
    authenticator();
    JWTClaimsSet justExpired = claims().expirationTime(java.util.Date.from(clock.instant().minusSeconds(30))).build();
    headers.put("authorization", "Bearer " + issuer.rs256(justExpired));
    assertThat(check(only(AuthMethod.JWT))).isInstanceOf(Authentication.Allowed.class);

    clock.advance(Duration.ofSeconds(31));

    Authentication.Refused expired = refused(check(only(AuthMethod.JWT)));
    assertThat(expired.error()).isEqualTo(GatewayError.UNAUTHORIZED);
    assertThat(expired.reason()).isEqualTo("expired");
    assertThat(expired.challenge()).isEqualTo("Bearer realm=\"courier\", error=\"invalid_token\", error_description=\"the token has expired\"");
  }

  @Test
  void wrongAudienceIssuerSignatureAlgorithmOrShapeIsInvalid() throws Exception {
    authenticator();
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // the right key id, another key
    List<String> tokens = List.of(
        issuer.rs256(claims().audience("someone-else").build()),
        issuer.rs256(claims().issuer("https://evil.test/").build()),
        issuer.rs256(claims().subject(null).build()),
        issuer.rs256(claims().expirationTime(null).build()),
        TestTokens.sign(JWSAlgorithm.RS256, "rsa-1", claims().build(), TestTokens.signer(stranger)),
        TestTokens.hs256(claims().build()),
        "eyJhbGciOiJub25lIn0." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims().build().toString().getBytes()) + ".",
        "not-a-token",
        issuer.rs256(claims().build()) + "x");
    for (String token : tokens) {
      headers.put("authorization", "Bearer " + token);
      Authentication.Refused invalid = refused(check(only(AuthMethod.JWT)));
      assertThat(invalid.reason()).as(token).isEqualTo("invalid");
      assertThat(invalid.challenge()).as(token).startsWith("Bearer realm=\"courier\", error=\"invalid_token\"");
      assertThat(invalid.detail()).doesNotContain(token);
    }
  }

  @Test
  void aMissingScopeOrClaimIsForbiddenNamingTheScopeNeverTheToken() {
    authenticator();
    headers.put("authorization", "Bearer " + issuer.rs256(claims().claim("scope", "orders:read").claim("tenant", "acme").build()));

    Authentication.Refused scope = refused(check(new RouteAccess(List.of(AuthMethod.JWT), List.of("orders:read", "orders:write"), Map.of())));
    assertThat(scope.error()).isEqualTo(GatewayError.FORBIDDEN);
    assertThat(scope.reason()).isEqualTo("forbidden");
    assertThat(scope.challenge()).isEqualTo(
        "Bearer realm=\"courier\", error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"orders:read orders:write\"");

    assertThat(refused(check(new RouteAccess(List.of(AuthMethod.JWT), List.of(), Map.of("tenant", "globex")))).error())
        .isEqualTo(GatewayError.FORBIDDEN);
    assertThat(check(new RouteAccess(List.of(AuthMethod.JWT), List.of("orders:read"), Map.of("tenant", "acme"))))
        .isInstanceOf(Authentication.Allowed.class);
  }

  @Test
  void scopesMayBeAnArrayClaim() {
    authenticator =
        new Authenticator(new AuthenticationConfig(null, new AuthenticationConfig.Jwt(issuer.writeJwks(dir.resolve("j.json")), null, null,
            Duration.ofMinutes(5), TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ZERO, AuthenticationConfig.Jwt.DEFAULT_ALGORITHMS,
            "scp", List.of())), clock);
    headers.put("authorization", "Bearer " + issuer.rs256(claims().claim("scp", List.of("a", "b")).build()));

    assertThat(check(new RouteAccess(List.of(AuthMethod.JWT), List.of("b"), Map.of()))).isInstanceOf(Authentication.Allowed.class);
  }

  @Test
  void anyOneOfSeveralMethodsSufficesAndAWrongCredentialIsReportedAsInvalid() {
    authenticator();
    RouteAccess either = new RouteAccess(List.of(AuthMethod.JWT, AuthMethod.API_KEY), List.of(), Map.of());
    Authentication.Refused missing = refused(check(either));
    assertThat(missing.challenge()).isEqualTo("Bearer realm=\"courier\", ApiKey realm=\"courier\", header=\"x-api-key\"");

    headers.put("authorization", "Bearer nonsense");
    assertThat(refused(check(either)).reason()).isEqualTo("invalid");

    headers.put("x-api-key", "k-billing-0123456789");
    assertThat(allowed(check(either)).name()).isEqualTo("billing");
  }

  @Test
  void aCredentialSentTwiceIsInvalidWhicheverCopyIsRight() {
    authenticator();
    Map<String, List<String>> twice = Map.of(
        "x-api-key", List.of("k-billing-0123456789", "wrong"),
        "authorization", List.of("Bearer " + issuer.rs256(claims().build()), "Bearer x"));

    for (AuthMethod method : List.of(AuthMethod.API_KEY, AuthMethod.JWT)) {
      Authentication.Refused refused = refused(authenticator.authenticate(only(method), name -> twice.getOrDefault(name, List.of()), () -> null));
      assertThat(refused.reason()).as(method.slug()).isEqualTo("invalid");
      assertThat(refused.detail()).contains("more than once");
    }
  }

  @Test
  void aTokenWhoseSubjectNamesNobodyIsInvalid() {
    authenticator();
    List<JWTClaimsSet> subjects = List.of(
        claims().claim("sub", null).build(),
        claims().subject("").build(),
        claims().subject("   ").build(),
        claims().subject("a\nb").build(),
        claims().subject("x".repeat(1025)).build());
    for (JWTClaimsSet claims : subjects) {
      headers.put("authorization", "Bearer " + issuer.rs256(claims));
      assertThat(refused(check(only(AuthMethod.JWT))).reason()).as(String.valueOf(claims.getClaim("sub"))).isEqualTo("invalid");
    }
  }

  @Test
  void anEdDsaTokenOfAnotherKeyIsInvalid() throws Exception {
    authenticator();
    com.nimbusds.jose.jwk.OctetKeyPair stranger =
        new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(com.nimbusds.jose.jwk.Curve.Ed25519).keyID("ed-1").generate();
    headers.put("authorization", "Bearer " + TestTokens.sign(JWSAlgorithm.EdDSA, "ed-1", claims().build(), TestTokens.signer(stranger)));

    assertThat(refused(check(only(AuthMethod.JWT))).reason()).isEqualTo("invalid");
  }

  @Test
  void aVerifiedClientCertificateIsItsSubject() {
    authenticator();
    assertThat(refused(check(only(AuthMethod.MTLS))).reason()).isEqualTo("missing");

    clientCertificate = "CN=billing,O=Example";

    assertThat(allowed(check(only(AuthMethod.MTLS)))).isEqualTo(new Identity(AuthMethod.MTLS, "CN=billing,O=Example", Map.of()));
  }

  @Test
  void withoutKeysJwtRoutesAreUnavailableNotOpen() {
    authenticator(dir.resolve("missing.json"), List.of());
    headers.put("authorization", "Bearer " + issuer.rs256(claims().build()));

    Authentication.Refused unavailable = refused(check(only(AuthMethod.JWT)));

    assertThat(unavailable.error()).isEqualTo(GatewayError.AUTHENTICATION_UNAVAILABLE);
    assertThat(authenticator.unavailableReason()).contains("missing.json");
  }
}
