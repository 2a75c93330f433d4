/**
 * JMH micro-benchmarks of the gateway's hot path, each with a baseline measured in the same run. Run them with
 * {@code ./courier bench --jmh [REGEX]} (see docs/benchmarks.md); never part of {@code mvn verify}.
 */
package io.courier.bench.jmh;
