package io.courier.gateway.config;

import java.time.Duration;

/**
 * Every configuration key, with its default and meaning: the single source of {@code docs/configuration.md}
 * (a test checks the document against {@link #referenceTable()}).
 */
public enum Setting {
  INSTANCE_ID("instance-id", "`gw-` + 8 random characters", "Name of this gateway instance (A-Z a-z 0-9 _ -, up to 64); prefixes every correlation id it makes."),
  HTTP_HOST("http.host", Defaults.HTTP_HOST, "Address the HTTP server binds."),
  HTTP_PORT("http.port", Integer.toString(Defaults.HTTP_PORT), "Port the HTTP server binds; 0 picks a free port."),
  HTTP_EVENT_LOOPS("http.event-loops", "number of cores", "Vert.x event loops serving HTTP. The Kafka producer's "
      + "and the reply consumer's threads are busy too under load: on a 2-core host 1 loop measured about as good as 2 "
      + "(p99 at 64 connections about 9 % lower, CPU and throughput within the noise: docs/benchmarks.md, \"Whose "
      + "code a request's CPU is spent in\"), and one loop caps the HTTP side at one core."),
  HTTP_MAX_HEADER_BYTES("http.max-header-bytes", Integer.toString(Defaults.MAX_HEADER_BYTES), "Largest request header block accepted; larger gets 431."),
  HTTP_RETRY_AFTER("http.retry-after", YamlNode.format(Defaults.RETRY_AFTER), "`Retry-After` sent with every 503."),
  HTTP_HEADER_TIMEOUT("http.header-timeout", YamlNode.format(Defaults.HEADER_TIMEOUT), "Time from a request's first byte (or a new connection) to the end of its header block; beyond it the gateway answers 408 and closes the connection (HTTP/1.1)."),
  HTTP_BODY_TIMEOUT("http.body-timeout", YamlNode.format(Defaults.BODY_TIMEOUT), "Time for a request's body to arrive once its headers have; beyond it the gateway answers 408, closes the connection and frees the route's slot."),
  HTTP_IDLE_TIMEOUT("http.idle-timeout", YamlNode.format(Defaults.IDLE_TIMEOUT), "Time a connection with no request in progress stays open (HTTP/1.1). A request waiting for its reply is in progress. Keep it above your load balancer's idle timeout."),
  HTTP_HTTP2_CLEARTEXT("http.http2-cleartext", "false", "Serve HTTP/2 without TLS (h2c, by prior knowledge or `Upgrade: h2c`) besides HTTP/1.1."),
  HTTP_NATIVE_TRANSPORT("http.native-transport", "true", "Run the event loops (both listeners, the gateway's timers) on Linux's epoll through Netty's native transport, which costs less CPU per request than Java NIO. Where it cannot load (not Linux on x86-64 or ARM64) the gateway runs on Java NIO and its start log says why; `false`: always Java NIO (the JVM option `-Dio.netty.transport.noNative=true` also keeps Netty from loading its library at all)."),
  HTTP_TLS("http.tls", "none: plain HTTP", "TLS on the HTTP listener (docs/security.md): `certificate` + `key`, or `keystore`. The files are checked every `reload-interval` and a renewed certificate is used without a restart."),
  HTTP_TLS_CERTIFICATE("http.tls.certificate", "none", "PEM file of the certificate chain, the server's certificate first. With `key`; instead of `keystore`."),
  HTTP_TLS_KEY("http.tls.key", "none", "PEM file of the certificate's private key (PKCS#8, PKCS#1 or SEC 1, unencrypted)."),
  HTTP_TLS_KEYSTORE("http.tls.keystore", "none", "PKCS#12 file (`.p12`, `.pfx`) holding the private key and its certificate chain; instead of `certificate` and `key`."),
  HTTP_TLS_KEYSTORE_PASSWORD("http.tls.keystore-password", "none: no password", "Where the keystore's password is: `env:NAME` (an environment variable) or `file:/path` (a file's content, e.g. a mounted Secret). Never the password itself."),
  HTTP_TLS_PROTOCOLS("http.tls.protocols", "[TLSv1.3, TLSv1.2]", "TLS versions offered: `TLSv1.3` and/or `TLSv1.2`. Older versions are refused."),
  HTTP_TLS_CIPHER_SUITES("http.tls.cipher-suites", "the JDK's defaults", "Cipher suites offered, by their standard names (e.g. `TLS_AES_128_GCM_SHA256`); each must be one the JDK supports."),
  HTTP_TLS_CLIENT_AUTH("http.tls.client-auth", "none", "Client certificates (mTLS): `none`; `request` (asked for; a caller without one is served, one with an untrusted one refused); `required` (a caller without a trusted certificate is refused in the handshake). Needs `trust`."),
  HTTP_TLS_TRUST("http.tls.trust", "none", "Certificate authorities a caller's certificate must come from: a PEM bundle, or a PKCS#12 store (`.p12`, `.pfx`). Required when `client-auth` is not `none`."),
  HTTP_TLS_TRUST_PASSWORD("http.tls.trust-password", "none: no password", "Where the PKCS#12 trust store's password is: `env:NAME` or `file:/path`."),
  HTTP_TLS_RELOAD_INTERVAL("http.tls.reload-interval", YamlNode.format(Defaults.TLS_RELOAD_INTERVAL), "How often the key, certificate and trust files are checked for a change (100ms-24h); a changed set that loads replaces the old one for new connections, one that does not is logged and counted, and the old one stays."),
  MANAGEMENT("management", "none: on `http.port` with the routes", "The management endpoints (`/health`, `/ready`, `/metrics`, `/openapi.json`, `/asyncapi.json`, `/status`, `/status.json`) on a listener of their own, and only there: the routes' port answers them 404, this port answers only them."),
  MANAGEMENT_HOST("management.host", "`http.host`", "Address the management listener binds."),
  MANAGEMENT_PORT("management.port", "required", "Port of the management listener; 0 picks a free port. Must differ from `http.port`."),
  MANAGEMENT_TLS("management.tls", "none: plain HTTP", "TLS on the management listener, with the keys of `http.tls` (e.g. `client-auth: required` so that only holders of a trusted certificate read the metrics)."),
  MANAGEMENT_AUTHENTICATION("management.authentication", "none", "Who may call the management endpoints on their own port: `none`, `api-key`, `jwt`, `mtls` or a list, with the credentials of `authentication` (`mtls` needs `management.tls.client-auth`). Kubernetes probes send a key with `httpHeaders`."),
  MANAGEMENT_SCOPES("management.scopes", "[]", "JWT scopes a token must all have to call the management endpoints."),
  MANAGEMENT_CLAIMS("management.claims", "{}", "JWT claim values a token must have to call the management endpoints."),
  KAFKA_BOOTSTRAP_SERVERS("kafka.bootstrap-servers", "required", "Kafka bootstrap servers, `host:port[,host:port...]`."),
  KAFKA_RESPONSE_TOPIC("kafka.response-topic", Defaults.RESPONSE_TOPIC, "Topic services reply to. Must exist; the gateway instances sharing it divide its partitions (`kafka.replies`)."),
  KAFKA_CLIENT("kafka.client", "{}", "Any Kafka client setting, given to the producer, every consumer and the admin client (e.g. `security.protocol`, `sasl.mechanism`)."),
  KAFKA_PRODUCER("kafka.producer", "{}", "Producer-only settings over `kafka.client` (e.g. `linger.ms`, `max.block.ms`). `acks` must stay `all` and `enable.idempotence` `true`."),
  KAFKA_CONSUMER("kafka.consumer", "{}", "Settings of both consumers (the reply consumer, and the whole-topics consumer of the forward, results and state topics), over `kafka.client`."),
  KAFKA_REPLIES("kafka.replies", "{}", "How the gateway instances sharing the response topic divide its partitions."),
  KAFKA_REPLIES_OWNERSHIP("kafka.replies.ownership", "group", "`group`: partitions are assigned by a consumer group and move as instances join and leave; `static`: instance k of n reads the partitions p with p % n == k."),
  KAFKA_REPLIES_GROUP_ID("kafka.replies.group-id", "`courier-gateway-<response-topic>`", "Group mode: the consumer group of all instances on this response topic."),
  KAFKA_REPLIES_INSTANCE_INDEX("kafka.replies.instance-index", "required in static mode", "Static mode: this instance's index, 0 to instance-count - 1."),
  KAFKA_REPLIES_INSTANCE_COUNT("kafka.replies.instance-count", "required in static mode", "Static mode: how many instances share the response topic; at most its partition count."),
  KAFKA_REPLIES_FORWARD_TOPIC("kafka.replies.forward-topic", "`<response-topic>.forwards`", "Topic where an instance puts a reply that names another instance; every instance reads it. Must exist, and differ from the response and results topics."),
  KAFKA_PUBLISH_QUEUE("kafka.publish-queue", Integer.toString(Defaults.PUBLISH_QUEUE), "Records the producer refused at once (metadata missing, buffer full) that may wait for their lane to try them again, per request topic (and as many forwards of replies between instances, and results records); beyond it the gateway answers 503."),
  KAFKA_READINESS_GRACE("kafka.readiness-grace", YamlNode.format(Defaults.READINESS_GRACE), "How long the cluster may not answer (checked every 2 s) before the gateway stops being ready; it is ready again as soon as the cluster answers (100ms-1h)."),
  ACCESS_LOG("access-log", "{}", "One JSON line per request: never bodies, query strings or header values other than `traceparent`'s trace id."),
  ACCESS_LOG_ENABLED("access-log.enabled", "false", "Log requests."),
  ACCESS_LOG_SAMPLE("access-log.sample", "1.0", "Share of requests logged, 0 to 1 (e.g. 0.01: one in a hundred, at random)."),
  ACCESS_LOG_FIELDS("access-log.fields", "all of them", "The fields of a line, in order: `time` (RFC 3339, UTC), `instance`, `method`, `path` (the route's template; the raw path when no route matched), `route`, `status` (0 when the caller left before an answer), `duration_ms`, `bytes_in`, `bytes_out`, `correlation_id`, `trace_id` (the trace the request's record carries: the caller's `traceparent`, or the one the gateway started)."),
  ACCESS_LOG_FILE("access-log.file", "none: the SLF4J logger `courier.access` at INFO", "A file the lines are appended to, by a thread of its own (`courier-access-log`)."),
  TRACING("tracing", "{}", "W3C Trace Context (`traceparent`, `tracestate`) in every request record, and OpenTelemetry spans when `tracing.exporter` is `otlp` (docs/operations.md, \"Tracing\")."),
  TRACING_EXPORTER("tracing.exporter", "none", "`none`: no spans; the caller's trace context, or a new unsampled one, goes into each request record. `otlp`: a span per routed request (arrival to answer), exported in batches over OTLP/HTTP (protobuf)."),
  TRACING_OTLP_ENDPOINT("tracing.otlp-endpoint", TracingConfig.DEFAULT_OTLP_ENDPOINT.toString(), "The OTLP/HTTP traces endpoint of a collector (`http` or `https`)."),
  TRACING_SAMPLE_RATIO("tracing.sample-ratio", "1.0", "Share of new traces (requests without `traceparent`) recorded, 0 to 1; a caller's own sampling decision is always followed."),
  TRACING_SERVICE_NAME("tracing.service-name", TracingConfig.DEFAULT_SERVICE_NAME, "`service.name` of the spans; `service.instance.id` is the `instance-id`."),
  AUTHENTICATION("authentication", "{}", "The credentials the gateway accepts (docs/security.md). Once any is configured, every service (or each of its routes) must say how it is protected, `none` included."),
  AUTHENTICATION_API_KEYS("authentication.api-keys", "none", "API keys, each standing for a named caller."),
  AUTHENTICATION_API_KEYS_HEADER("authentication.api-keys.header", AuthenticationConfig.ApiKeys.DEFAULT_HEADER, "The request header that carries the key."),
  AUTHENTICATION_API_KEYS_KEYS("authentication.api-keys.keys", "required", "The keys. Each has a `name` and exactly one of `sha256`, `file`, `env`; the key itself is never written in the file."),
  AUTHENTICATION_API_KEY_NAME("authentication.api-keys.keys[].name", "required", "The caller's identity (A-Z a-z 0-9 . _ @ : -, up to 128), sent to services in `courier-identity`. Unique."),
  AUTHENTICATION_API_KEY_SHA256("authentication.api-keys.keys[].sha256", "one of three", "The SHA-256 of the key, 64 hex digits (`courier api-key` makes a key and its hash)."),
  AUTHENTICATION_API_KEY_FILE("authentication.api-keys.keys[].file", "one of three", "A file holding the key (trailing line break ignored), e.g. a mounted Kubernetes Secret; read at start-up."),
  AUTHENTICATION_API_KEY_ENV("authentication.api-keys.keys[].env", "one of three", "An environment variable holding the key; read at start-up."),
  AUTHENTICATION_JWT("authentication.jwt", "none", "JWT bearer tokens (RFC 7519, RFC 6750): `Authorization: Bearer <token>`."),
  AUTHENTICATION_JWT_JWKS_FILE("authentication.jwt.jwks-file", "one of two", "A JWK Set file with the issuer's public keys; checked for changes every `jwks-refresh`."),
  AUTHENTICATION_JWT_JWKS_URL("authentication.jwt.jwks-url", "one of two", "The issuer's JWK Set URL (`https`, or `http` to a loopback address), fetched off the event loops every `jwks-refresh`, and at once (at most every 30 s) when a token names a key id it does not know."),
  AUTHENTICATION_JWT_JWKS_CA_FILE("authentication.jwt.jwks-ca-file", "the JVM's trust store", "PEM certificates to trust for `jwks-url`, for an issuer with a private CA."),
  AUTHENTICATION_JWT_JWKS_REFRESH("authentication.jwt.jwks-refresh", YamlNode.format(AuthenticationConfig.Jwt.DEFAULT_REFRESH), "How often the JWK Set is fetched or its file checked (10s-1d)."),
  AUTHENTICATION_JWT_ISSUER("authentication.jwt.issuer", "required", "The `iss` every token must have, exactly."),
  AUTHENTICATION_JWT_AUDIENCE("authentication.jwt.audience", "required", "A value every token's `aud` must contain."),
  AUTHENTICATION_JWT_CLOCK_SKEW("authentication.jwt.clock-skew", YamlNode.format(AuthenticationConfig.Jwt.DEFAULT_CLOCK_SKEW), "Leeway on `exp` and `nbf` (0s-10m). Tokens must have `exp`."),
  AUTHENTICATION_JWT_ALGORITHMS("authentication.jwt.algorithms", "[RS256, ES256, EdDSA]", "Signature algorithms accepted, of RS256/384/512, PS256/384/512, ES256/384/512, EdDSA. Shared-secret (HS*) and unsigned tokens are never accepted."),
  AUTHENTICATION_JWT_SCOPE_CLAIM("authentication.jwt.scope-claim", AuthenticationConfig.Jwt.DEFAULT_SCOPE_CLAIM, "The claim holding a token's scopes: a space-separated string (RFC 8693 `scope`) or an array (e.g. `scp`)."),
  AUTHENTICATION_JWT_FORWARD_CLAIMS("authentication.jwt.forward-claims", "[]", "Claims sent to the service as `courier-identity-claim.<name>` (strings, numbers and booleans as text; others left out)."),
  RESULTS("results", "{}", "Async results (`Prefer: respond-async`), late replies after a 504 and idempotency keys, kept in a results topic every instance reads (ADR 0003)."),
  RESULTS_ENABLED("results.enabled", "true", "Keep results. When `false`: `Prefer: respond-async` is ignored (answered synchronously), a 504 carries no `Location`, and no route may set `idempotency`."),
  RESULTS_TOPIC("results.topic", "`<response-topic>.results`", "The results topic. Must exist; create it with `cleanup.policy=compact,delete` and `retention.ms` at least `results.retention`. Every instance reads all of it; nothing else may write to it. Must differ from the response and forward topics."),
  RESULTS_PATH("results.path", Defaults.RESULTS_PATH, "Path prefix of result `Location`s: `GET`/`DELETE <path>/{id}`. No route may lie under it."),
  RESULTS_RETENTION("results.retention", YamlNode.format(Defaults.RESULTS_RETENTION), "How long a result, and an idempotency key, is kept after its command was accepted (1s-30d); after it, `GET` answers 404 and the key may be used again."),
  RESULTS_MAX_MEMORY_BYTES("results.max-memory-bytes", Long.toString(Defaults.RESULTS_MAX_MEMORY), "The most memory each instance's copy of the results should take (results of the retention window: rate × retention × size); past it the oldest results of requests without an `Idempotency-Key` are dropped early (a `GET` of them answers 404) and counted in `courier_results_evicted_total`. Results of requests with a key are kept for their whole window whatever this says (dropping one would let a retry run the command again), so size it for them."),
  RESULTS_MAX_WAIT("results.max-wait", YamlNode.format(Defaults.RESULTS_MAX_WAIT), "The longest `Prefer: wait=N` honoured (1s-10m), on a command sent with `respond-async` and on a `GET` of a result."),
  WEBSOCKET("websocket", "{}", "Requests and replies as JSON frames over a WebSocket (RFC 6455) on the HTTP listener, with the same routes, limits, authentication, metrics and access log as HTTP (docs/protocol.md, \"WebSocket\")."),
  WEBSOCKET_ENABLED("websocket.enabled", "false", "Upgrade `GET <websocket.path>` to a WebSocket. Off unless asked for: a socket is a new way in that proxies and firewalls in front of the gateway must be ready for."),
  WEBSOCKET_PATH("websocket.path", WebSocketConfig.DEFAULT_PATH, "The path that upgrades. No route, result or management path may be the same."),
  WEBSOCKET_MAX_FRAME_BYTES("websocket.max-frame-bytes", Integer.toString(WebSocketConfig.DEFAULT_MAX_FRAME_BYTES), "The largest message a client may send (one frame, or a fragmented message in all; 1024 to 67108864); larger closes the socket with 1009 (Message Too Big). A request's body is still held to its route's `max-body-bytes` (413)."),
  WEBSOCKET_MAX_IN_FLIGHT("websocket.max-in-flight", Integer.toString(WebSocketConfig.DEFAULT_MAX_IN_FLIGHT), "Requests one socket may have waiting for answers at once; one more is answered 429 `socket-in-flight-limit` and the socket stays open. Each request also takes a slot of its route's `max-in-flight`."),
  WEBSOCKET_IDLE_TIMEOUT("websocket.idle-timeout", YamlNode.format(WebSocketConfig.DEFAULT_IDLE_TIMEOUT), "How long a socket with no request in flight and no frame arriving (pings count) stays open (1s-24h); then it is closed with 1000 and reason `idle timeout`."),
  WEBSOCKET_MAX_SOCKETS("websocket.max-sockets", Integer.toString(WebSocketConfig.DEFAULT_MAX_SOCKETS), "Sockets this instance holds open at once; one more upgrade is refused with 503 `overloaded` + `Retry-After`."),
  WEBSOCKET_ALLOWED_ORIGINS("websocket.allowed-origins", "[]", "Origins (`scheme://host[:port]`, or `*`) whose browser pages may open a socket besides pages of the gateway's own origin. An upgrade with any other `Origin` is refused with 403 `origin-rejected` (cross-site WebSocket hijacking); clients that send no `Origin` (not browsers) are not concerned."),
  CORS("cors", "{}", "Cross-origin requests from browser pages (CORS), for every route: the default of `services[].cors` and `services[].routes[].cors`. Off while `allowed-origins` is empty. Preflights (`OPTIONS`) are answered by the gateway, never produced (docs/operations.md, \"CORS\")."),
  CORS_ALLOWED_ORIGINS("cors.allowed-origins", "[]", "Origins whose pages may call the routes: exact (`https://app.example.com`, `http://localhost:8080`), patterns whose `*` is one whole leftmost label (`https://*.example.com`; scheme and port must match), or `*` for any (not with `allow-credentials`). `[]`: CORS off."),
  CORS_ALLOWED_METHODS("cors.allowed-methods", "the route's method", "Methods a page of an allowed origin may use; a route whose method is not listed is not open to other origins."),
  CORS_ALLOWED_HEADERS("cors.allowed-headers", CorsConfig.OFF.allowedHeaders().toString(), "Request headers a page may send besides the CORS-safelisted ones (`content-type` is needed for JSON bodies)."),
  CORS_EXPOSED_HEADERS("cors.exposed-headers", CorsConfig.OFF.exposedHeaders().toString(), "Response headers a page may read besides the CORS-safelisted ones."),
  CORS_ALLOW_CREDENTIALS("cors.allow-credentials", "false", "Whether pages may send cookies or HTTP authentication and read the answer (`Access-Control-Allow-Credentials: true`); the origin is then always echoed, never `*`."),
  CORS_MAX_AGE("cors.max-age", YamlNode.format(CorsConfig.OFF.maxAge()), "How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`, 0s-24h; browsers cap it, Chromium at 2h)."),
  SERVICES("services", "required", "The services, each with its request topic and routes."),
  SERVICE_NAME("services[].name", "required", "Unique service name."),
  SERVICE_REQUEST_TOPIC("services[].request-topic", "required", "Topic the service consumes. Must exist."),
  SERVICE_PROFILE("services[].profile", "courier", "Header convention the service speaks: `courier`, `spring` (`@SendTo`) or `zilla`."),
  SERVICE_TIMEOUT("services[].timeout", YamlNode.format(Defaults.TIMEOUT), "Default reply timeout of the service's routes (1ms-10m)."),
  SERVICE_MAX_IN_FLIGHT("services[].max-in-flight", Integer.toString(Defaults.MAX_IN_FLIGHT), "Default in-flight cap of each of the service's routes."),
  SERVICE_MAX_BODY_BYTES("services[].max-body-bytes", "the producer's `max.request.size` (1048576 unless set) - 2 × `http.max-header-bytes` - 24576 (1007616 with the defaults)", "Default body limit of the service's routes; larger gets 413. The default leaves room for the rest of the record (forwarded header fields, a key taken from a header or the path, the path and its parameters, the query, protocol headers), so a body within it is never too large for Kafka unless the key is taken from the body."),
  SERVICE_RESPONDER_GROUP("services[].responder-group", "none", "The consumer group (or share group) the service's responders share. When set, the gateway watches it (every 2 s) and, while it has no member, answers the service's routes at once with 503 `no-responders` + `Retry-After` instead of letting callers wait for the timeout."),
  SERVICE_FORWARD_HEADERS("services[].forward-headers", "[]", "HTTP request headers copied into every request record of the service, every value as sent. `content-type` is always copied. Hop-by-hop and framing headers (`connection`, `transfer-encoding`, `content-length`, `expect` ...) are refused; credentials (`authorization`, `cookie`, `proxy-authorization`) are accepted with a warning."),
  SERVICE_IDEMPOTENCY("services[].idempotency", "off", "`Idempotency-Key` on the service's routes: `off` (ignored), `optional` (a request that has one runs at most once per key) or `required` (400 without one). Needs `results.enabled`."),
  SERVICE_IDEMPOTENCY_DUPLICATES("services[].idempotency-duplicates", "wait", "What a retry gets while the first request with its key is still in progress: `wait` (its result, waiting up to the route's timeout) or `conflict` (409 at once)."),
  SERVICE_IDEMPOTENCY_FINGERPRINT_HEADERS("services[].idempotency-fingerprint-headers", "[]", "Request headers that, with method, route and body, make a retry the same request; a key reused with a different fingerprint gets 422."),
  SERVICE_CORS("services[].cors", "`cors`", "The keys of `cors` for the service's routes, each given one replacing the top-level value."),
  SERVICE_AUTHENTICATION("services[].authentication", "`none` without `authentication`; else required", "How callers of the service's routes authenticate: `none`, `api-key`, `jwt`, `mtls`, or a list of them (any one suffices). Failures: 401 (missing or invalid credentials) or 403 (valid, but not allowed)."),
  SERVICE_SCOPES("services[].scopes", "[]", "JWT scopes a token must all have; otherwise 403."),
  SERVICE_CLAIMS("services[].claims", "{}", "JWT claim values a token must have, `name: value`; otherwise 403."),
  SERVICE_RATE_LIMIT("services[].rate-limit", "none", "Requests each caller may make on each of the service's routes: a token bucket per caller and route (the caller's identity on routes with authentication, else its IP address). Past it: 429 `rate-limited` with `Retry-After`. Each instance counts on its own."),
  SERVICE_RATE_LIMIT_REQUESTS_PER_SECOND("services[].rate-limit.requests-per-second", "required", "The sustained rate per caller, above 0 (0.5: one every two seconds)."),
  SERVICE_RATE_LIMIT_BURST("services[].rate-limit.burst", "requests-per-second, rounded up", "The most requests a caller may make at once after a quiet spell."),
  SERVICE_ROUTES("services[].routes", "required", "The service's routes."),
  ROUTE_NAME("services[].routes[].name", "`<service>.<METHOD> <path>`", "Unique route name, sent as `courier-route` and used as the metrics tag."),
  ROUTE_METHOD("services[].routes[].method", "required", "GET, POST, PUT, PATCH or DELETE."),
  ROUTE_PATH("services[].routes[].path", "required", "Path template: literal segments and `{param}` segments, e.g. `/orders/{id}`."),
  ROUTE_KEY("services[].routes[].key", "none", "Record key: `path:<param>`, `header:<name>` or `body:<JSON pointer>`."),
  ROUTE_TIMEOUT("services[].routes[].timeout", "the service's", "Reply timeout of the route (1ms-10m)."),
  ROUTE_MAX_IN_FLIGHT("services[].routes[].max-in-flight", "the service's", "Requests of the route waiting for replies at once; more get 503 + `Retry-After`."),
  ROUTE_MAX_BODY_BYTES("services[].routes[].max-body-bytes", "the service's", "Body limit of the route; larger gets 413."),
  ROUTE_FORWARD_HEADERS("services[].routes[].forward-headers", "[]", "Headers forwarded in addition to the service's."),
  ROUTE_IDEMPOTENCY("services[].routes[].idempotency", "the service's", "`off`, `optional` or `required`, for this route."),
  ROUTE_IDEMPOTENCY_DUPLICATES("services[].routes[].idempotency-duplicates", "the service's", "`wait` or `conflict`, for this route."),
  ROUTE_IDEMPOTENCY_FINGERPRINT_HEADERS("services[].routes[].idempotency-fingerprint-headers", "the service's", "Fingerprint headers of this route, instead of the service's."),
  ROUTE_CORS("services[].routes[].cors", "the service's", "The keys of `cors` for this route, each given one replacing the service's value; `allowed-origins: []` turns CORS off for it."),
  ROUTE_RATE_LIMIT("services[].routes[].rate-limit", "the service's", "`{requests-per-second, burst}` for this route instead of the service's, or `off`."),
  ROUTE_STREAM("services[].routes[].stream", "none: one reply per request", "The route streams: many reply records per request, sent on as NDJSON, Server-Sent Events or one JSON array by the caller's `Accept` (docs/protocol.md, \"Streamed replies\"). `{}` takes every default. Not with `idempotency`."),
  ROUTE_STREAM_IDLE_TIMEOUT("services[].routes[].stream.idle-timeout", "10s", "Longest gap between two records of a stream (1ms-10m); past it the stream ends with `stream-idle-timeout` (or `stream-broken` when records wait behind a gap). The route's `timeout` still bounds the wait for the first record."),
  ROUTE_STREAM_MAX_DURATION("services[].routes[].stream.max-duration", "5m", "Longest a stream may run from the request's arrival (1ms-24h, at least `idle-timeout`); past it the stream ends with `stream-max-duration`. Sent as the request's `courier-deadline`."),
  ROUTE_STREAM_MAX_ASSEMBLED_BYTES("services[].routes[].stream.max-assembled-bytes", "1048576", "Largest JSON array a caller that asks for neither NDJSON nor SSE is answered with (2 to 64 MiB); a larger stream is answered 502 `stream-too-large`."),
  ROUTE_STREAM_BUFFER_BYTES("services[].routes[].stream.buffer-bytes", "262144", "Unsent bytes a stream's response may hold for a caller that reads slowly (1 KiB to 64 MiB); past it the stream ends with `slow-reader` and the connection closes. Streams over a WebSocket are bounded by the socket's write queue instead."),
  ROUTE_AUTHENTICATION("services[].routes[].authentication", "the service's", "`none`, `api-key`, `jwt`, `mtls` or a list, for this route."),
  ROUTE_SCOPES("services[].routes[].scopes", "the service's", "JWT scopes for this route, instead of the service's."),
  ROUTE_CLAIMS("services[].routes[].claims", "the service's", "JWT claim values for this route, instead of the service's."),
  ROUTE_STATE("services[].routes[].state", "none: answered by the service's reply", "Event-driven route (ADR 0004, docs/protocol.md \"State topics\"): answered with the state its entity reaches on a state topic, not with the correlated reply."),
  ROUTE_STATE_TOPIC("services[].routes[].state.topic", "required", "The state topic: one record per change of an entity, keyed by the entity id; best compacted. Must exist; every instance reads all of it. Not the gateway's response, forward or results topic, nor a topic it sends requests to (the request topic of a service with a route that is not a query)."),
  ROUTE_STATE_MODE("services[].routes[].state.mode", "command", "`command`: produce the request as usual, then wait until the entity reaches one of `answers`. `query` (GET only): produce nothing; answer the entity's state now, or wait for `?state=` / `Prefer: wait=N`."),
  ROUTE_STATE_ENTITY("services[].routes[].state.entity", "required", "Where the entity id is: `path:<param>`, `header:<name>`, `body:<JSON pointer>`, or (command mode) `reply:<JSON pointer>` into the service's reply, for services that assign the id."),
  ROUTE_STATE_FIELD("services[].routes[].state.field", "required", "Where the state is in a state record: `value:<JSON pointer>` into its value, or `header:<name>`. All routes of one state topic must agree."),
  ROUTE_STATE_ANSWERS("services[].routes[].state.answers", "required in command mode", "The states that end the wait, each with its HTTP status, e.g. `{VALIDATED: 201, FAILED: 409}`. Below 400 the answer's body is the record's value (or `body`); from 400 on it is a problem whose `detail` is the record's value."),
  ROUTE_STATE_BODY("services[].routes[].state.body", "the whole value", "A JSON pointer into the state record's value whose subtree is the answer's body."),
  ROUTE_STATE_MAX_WAIT("services[].routes[].state.max-wait", YamlNode.format(StateConfig.DEFAULT_MAX_WAIT), "Query mode: the longest wait honoured (1s-10m); `?state=` without `Prefer: wait` waits this long."),
  ROUTE_STATE_MAX_ENTITIES("services[].routes[].state.max-entities", Integer.toString(StateConfig.DEFAULT_MAX_ENTITIES), "The most entities each instance keeps of the state topic (the largest its routes ask for); past it the least recently used are dropped and counted in `courier_state_evicted_total`.");

  private final String path;
  private final String defaultValue;
  private final String description;

  Setting(String path, String defaultValue, String description) {
    this.path = path;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The key path, with {@code []} for list items. */
  public String path() {
    return path;
  }

  /** The last segment of the path: the key as written in YAML. */
  public String key() {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The configuration reference as a Markdown table, as it appears in {@code docs/configuration.md}. */
  public static String referenceTable() {
    StringBuilder table = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Setting setting : values()) {
      table
          .append("| `")
          .append(setting.path)
          .append("` | ")
          .append(setting.defaultValue)
          .append(" | ")
          .append(setting.description)
          .append(" |\n");
    }
    return table.toString();
  }

  /** Typed defaults, used by the loader and quoted in the reference. */
  static final class Defaults {
    static final String HTTP_HOST = "0.0.0.0";
    static final int HTTP_PORT = 8080;
    static final int MAX_HEADER_BYTES = 8192;
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(75);
    static final Duration TLS_RELOAD_INTERVAL = Duration.ofMinutes(1);
    static final String RESPONSE_TOPIC = "courier.responses";
    static final int PUBLISH_QUEUE = 10_000;
    static final Duration READINESS_GRACE = Duration.ofSeconds(10);
    static final String REPLY_GROUP_PREFIX = "courier-gateway-";
    static final String FORWARD_SUFFIX = ".forwards";
    static final String RESULTS_SUFFIX = ".results";
    static final String RESULTS_PATH = "/results";
    static final Duration RESULTS_RETENTION = Duration.ofHours(1);
    static final long RESULTS_MAX_MEMORY = 64L * 1024 * 1024;
    static final Duration RESULTS_MAX_WAIT = Duration.ofSeconds(30);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_IN_FLIGHT = 1000;
    /** Kafka's producer default {@code max.request.size}. */
    static final int MAX_REQUEST_SIZE = 1024 * 1024;
    /** The longest request line the HTTP server reads (Vert.x's default); longer gets 414. */
    static final int MAX_REQUEST_LINE = 4096;
    /**
     * Room for the record besides its body and what comes from header fields: the path, its parameters, a
     * key taken from it and the query (each at most the request line), then protocol headers and framing.
     */
    static final int ENVELOPE_ALLOWANCE = 4 * MAX_REQUEST_LINE + 8192;

    private Defaults() {}
  }
}
