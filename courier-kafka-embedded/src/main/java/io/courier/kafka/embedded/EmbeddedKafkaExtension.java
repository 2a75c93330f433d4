package io.courier.kafka.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests one {@link EmbeddedKafka} per test JVM: started by the first test class
 * that asks, stopped when the whole run ends. Declare a parameter of type {@link EmbeddedKafka} on a
 * constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class OrdersIT {
 *   OrdersIT(EmbeddedKafka kafka) { ... }
 * }
 * }</pre>
 *
 * <p>Topics outlive test classes: give each test its own topic names.
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The broker of this test run, started on first use. */
  public static EmbeddedKafka shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(EmbeddedKafka.class, type -> EmbeddedKafka.start(), EmbeddedKafka.class);
  }
}
