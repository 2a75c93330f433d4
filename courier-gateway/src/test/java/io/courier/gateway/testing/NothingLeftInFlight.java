package io.courier.gateway.testing;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test of this module: every gateway still open has no request pending and no route slot held
 * (within 15 s, for answers still on their way). Registered for all tests by {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} and {@code junit-platform.properties}.
 */
public final class NothingLeftInFlight implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    for (GatewayTester tester : GatewayTester.OPEN) {
      tester.awaitNothingInFlight(Duration.ofSeconds(15));
    }
  }
}
