package io.courier.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * An issuer for tests: signing keys of each algorithm family, their public JWK Set, and tokens signed with
 * them. Keys are made once per test class (RSA key generation is slow).
 */
public final class TestTokens {
  public static final String ISSUER = "https://idp.test/";
  public static final String AUDIENCE = "courier";

  final RSAKey rsa;
  final ECKey ec;
  final OctetKeyPair ed25519;

  public TestTokens() {
    try {
      rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
      ed25519 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWK Set of {@code keys}, as JSON. */
  static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }

  public String jwks() {
    return jwks(rsa, ec, ed25519);
  }

  Path writeJwks(Path file, JWK... keys) {
    try {
      Files.writeString(file, keys.length == 0 ? jwks() : jwks(keys), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Claims valid at {@code now}: issuer, audience, subject, an hour to live. */
  public static JWTClaimsSet.Builder claims(String subject, Instant now) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)));
  }

  public String rs256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.RS256, rsa.getKeyID(), claims, signer(rsa));
  }

  public String es256(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.ES256, ec.getKeyID(), claims, signer(ec));
  }

  public String edDsa(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.EdDSA, ed25519.getKeyID(), claims, signer(ed25519));
  }

  /** A token signed with a shared secret (HS256): never accepted. */
  static String hs256(JWTClaimsSet claims) {
    try {
      return sign(JWSAlgorithm.HS256, null, claims, new MACSigner("0123456789abcdef0123456789abcdef"));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWSSigner signer(JWK key) {
    try {
      if (key instanceof RSAKey rsaKey) {
        return new RSASSASigner(rsaKey);
      }
      if (key instanceof ECKey ecKey) {
        return new ECDSASigner(ecKey);
      }
      return new Ed25519Signer((OctetKeyPair) key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims, JWSSigner signer) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
