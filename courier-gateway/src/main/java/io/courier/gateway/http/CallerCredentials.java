package io.courier.gateway.http;

import io.courier.gateway.auth.Authentication;
import io.courier.gateway.auth.Authenticator;
import io.courier.gateway.config.RouteAccess;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * Step 3a on Vert.x: hands a request's header fields and, over TLS, its verified client certificate to the
 * {@link Authenticator}, and puts the challenge of a refusal on the response ({@code WWW-Authenticate}, RFC
 * 9110 section 11.6.1). Thread-safe.
 */
final class CallerCredentials {
  private final Authenticator authenticator;

  CallerCredentials(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Checks the caller of {@code request} against {@code access}; a refusal's challenge is set on the response. */
  Authentication check(RouteAccess access, HttpServerRequest request) {
    if (!access.protectedRoute()) {
      return Authentication.Allowed.ANONYMOUS;
    }
    Authentication outcome = authenticator.authenticate(access, request.headers()::getAll, () -> clientCertificateSubject(request));
    if (outcome instanceof Authentication.Refused refused && refused.challenge() != null) {
      request.response().putHeader("www-authenticate", refused.challenge());
    }
    return outcome;
  }

  /** The subject (RFC 2253) of the client certificate the TLS listener verified, or {@code null}. */
  static String clientCertificateSubject(HttpServerRequest request) {
    if (!request.isSSL()) {
      return null;
    }
    try {
      List<Certificate> chain = request.connection().peerCertificates();
      return !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf
          ? leaf.getSubjectX500Principal().getName(X500Principal.RFC2253)
          : null;
    } catch (SSLPeerUnverifiedException e) {
      return null; // client-auth "request": the caller sent none
    }
  }
}
