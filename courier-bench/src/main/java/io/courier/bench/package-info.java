/**
 * The benchmark suite: a side-by-side run of Courier, the Spring {@code ReplyingKafkaTemplate} peer, the HTTP
 * floor and the Kafka floor under one load generator ({@link io.courier.bench.Bench}), and JMH
 * micro-benchmarks of the gateway's hot path ({@code io.courier.bench.jmh}). See {@code docs/benchmarks.md}.
 */
package io.courier.bench;
