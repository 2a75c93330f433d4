/**
 * The wire contract between the Courier gateway and the services that answer it, written down in
 * {@code docs/protocol.md}: the Kafka header names of each compatibility {@link io.courier.protocol.Profile},
 * their encodings, correlation ids, deadlines and the reply status.
 *
 * <p>This package depends on kafka-clients only, so services in any JVM framework can use it. Every type
 * here is immutable and thread-safe unless its documentation says otherwise.
 */
package io.courier.protocol;
