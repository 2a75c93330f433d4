package io.courier.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape docs/architecture.md promises, held by the build: Vert.x and Netty only in the HTTP front end
 * (and {@link Gateway}, which wires it), so the exchange core and everything under it are plain Java; and no
 * cycles between the gateway's packages.
 */
class ArchitectureTest {
  private static final JavaClasses GATEWAY =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.courier.gateway");

  @Test
  void onlyTheHttpAndWebSocketFrontEndsSeeVertxOrNetty() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.courier.gateway.http..", "io.courier.gateway.websocket..")
        .and()
        .doNotHaveFullyQualifiedName(Gateway.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..")
        .because("the exchange core and the packages under it are front-end neutral and tested without Vert.x")
        .check(GATEWAY);
  }

  @Test
  void theGatewaysPackagesHaveNoCycles() {
    slices().matching("io.courier.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
  }
}
