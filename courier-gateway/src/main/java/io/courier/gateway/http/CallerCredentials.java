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
public final class CallerCredentials {
  private final Authenticator authenticator;

  public CallerCredentials(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Checks the caller of {@code request} against {@code access}; a refusal's challenge is set on the response. */
  Authentication check(RouteAccess access, HttpServerRequest request) {
    return check(access, request.headers()::getAll, () -> clientCertificateSubject(request),
        challenge -> request.response().putHeader("www-authenticate", challenge));
  }

  /**
   * Checks a caller by the header fields and client certificate it came with (a WebSocket's: those of its
   * upgrade request) against {@code access}.
   *
   * @param challenge told the {@code WWW-Authenticate} value of a refusal that has one
   */
  public Authentication check(
      RouteAccess access, java.util.function.Function<String, List<String>> headers, java.util.function.Supplier<String> clientCertificateSubject,
      java.util.function.Consumer<String> challenge) {
    if (!access.protectedRoute()) {
      return Authentication.Allowed.ANONYMOUS;
    }
    Authentication outcome = authenticator.authenticate(access, headers, clientCertificateSubject);
    if (outcome instanceof Authentication.Refused refused && refused.challenge() != null) {
      challenge.accept(refused.challenge());
    }
    return outcome;
  }

  /** The subject (RFC 2253) of the client certificate the TLS listener verified, or {@code null}. */
  public static String clientCertificateSubject(HttpServerRequest request) {
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
