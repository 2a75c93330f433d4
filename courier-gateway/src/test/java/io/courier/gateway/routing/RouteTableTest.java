package io.courier.gateway.routing;

import static io.courier.gateway.routing.Routes.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static Route found(RouteMatch match) {
    assertThat(match).isInstanceOf(RouteMatch.Found.class);
    return ((RouteMatch.Found) match).route();
  }

  @Test
  void requestIsMatchedToTheRouteOfItsMethodAndPath() {
    // given
    RouteTable table =
        new RouteTable(List.of(config("GET", "/orders/{id}"), config("DELETE", "/orders/{id}"), config("POST", "/orders")));

    // when
    RouteMatch match = table.match("DELETE", "/orders/17");

    // then
    assertThat(found(match).name()).isEqualTo("svc.DELETE /orders/{id}");
    assertThat(((RouteMatch.Found) match).pathParams()).containsExactly(Map.entry("id", "17"));
  }

  @Test
  void moreLiteralSegmentsWinWhateverTheOrderOfConfiguration() {
    RouteTable paramFirst = new RouteTable(List.of(config("GET", "/orders/{id}"), config("GET", "/orders/recent")));
    RouteTable literalFirst = new RouteTable(List.of(config("GET", "/orders/recent"), config("GET", "/orders/{id}")));

    assertThat(found(paramFirst.match("GET", "/orders/recent")).name()).isEqualTo("svc.GET /orders/recent");
    assertThat(found(literalFirst.match("GET", "/orders/recent")).name()).isEqualTo("svc.GET /orders/recent");
    assertThat(found(paramFirst.match("GET", "/orders/17")).name()).isEqualTo("svc.GET /orders/{id}");
  }

  @Test
  void literalRouteWithOtherMethodDoesNotHideTheParameterRoute() {
    // given: POST /orders/recent is more specific, but only GET /orders/{id} answers GET
    RouteTable table = new RouteTable(List.of(config("POST", "/orders/recent"), config("GET", "/orders/{id}")));

    // when
    RouteMatch match = table.match("GET", "/orders/recent");

    // then
    assertThat(found(match).name()).isEqualTo("svc.GET /orders/{id}");
    assertThat(((RouteMatch.Found) match).pathParams()).containsEntry("id", "recent");
  }

  @Test
  void pathWithoutARouteForTheMethodIsMethodNotAllowedWithTheAllowedMethods() {
    RouteTable table =
        new RouteTable(
            List.of(config("PUT", "/orders/{id}"), config("GET", "/orders/{id}"), config("POST", "/orders")));

    RouteMatch match = table.match("PATCH", "/orders/17");

    assertThat(match).isInstanceOf(RouteMatch.MethodNotAllowed.class);
    assertThat(((RouteMatch.MethodNotAllowed) match).allowed()).containsExactly("GET", "HEAD", "PUT");
  }

  @Test
  void headIsServedByTheGetRoute() {
    RouteTable table = new RouteTable(List.of(config("GET", "/orders/{id}"), config("POST", "/orders")));

    assertThat(found(table.match("HEAD", "/orders/17")).name()).isEqualTo("svc.GET /orders/{id}");
    assertThat(table.match("HEAD", "/orders")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
  }

  @Test
  void unknownPathIsNotFound() {
    RouteTable table = new RouteTable(List.of(config("GET", "/orders/{id}")));

    assertThat(table.match("GET", "/customers/1")).isEqualTo(RouteMatch.NOT_FOUND);
    assertThat(table.match("GET", "/orders")).isEqualTo(RouteMatch.NOT_FOUND);
    assertThat(table.match("DELETE", "/nothing")).isInstanceOf(RouteMatch.NotFound.class);
  }

  @Test
  void methodIsCaseSensitive() {
    RouteTable table = new RouteTable(List.of(config("GET", "/orders")));

    assertThat(table.match("get", "/orders")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
  }

  @Test
  void trailingSlashFindsTheSameRoute() {
    RouteTable table = new RouteTable(List.of(config("GET", "/orders/{id}")));

    assertThat(found(table.match("GET", "/orders/17/")).name()).isEqualTo("svc.GET /orders/{id}");
  }

  @Test
  void percentEncodedParameterIsDecoded() {
    RouteTable table = new RouteTable(List.of(config("GET", "/customers/{name}")));

    RouteMatch match = table.match("GET", "/customers/Ann%C3%A9e%2F2");

    assertThat(((RouteMatch.Found) match).pathParams()).containsEntry("name", "Année/2");
  }

  @Test
  void emptyTableFindsNothing() {
    assertThat(new RouteTable(List.of()).match("GET", "/")).isEqualTo(RouteMatch.NOT_FOUND);
  }

  @Test
  void routesAreListedMostSpecificFirst() {
    RouteTable table =
        new RouteTable(List.of(config("GET", "/{a}/{b}"), config("GET", "/x/{b}"), config("GET", "/x/y")));

    assertThat(table.routes()).extracting(Route::name).containsExactly("svc.GET /x/y", "svc.GET /x/{b}", "svc.GET /{a}/{b}");
  }
}
