package io.courier.gateway.routing;

import static io.courier.gateway.routing.Routes.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.path.PathTemplate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
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

  @Test
  void moreLiteralSegmentsWinEvenWhenTheOtherTemplateHasTheEarlierLiteral() {
    // /b/{c}/{d} shares the first segment with the path; /{a}/x/y has more literals and wins
    RouteTable table = new RouteTable(List.of(config("GET", "/b/{c}/{d}"), config("GET", "/{a}/x/y")));

    assertThat(found(table.match("GET", "/b/x/y")).name()).isEqualTo("svc.GET /{a}/x/y");
    assertThat(found(table.match("GET", "/b/x/z")).name()).isEqualTo("svc.GET /b/{c}/{d}");
  }

  @Test
  void emptySegmentNeverFillsAParameter() {
    RouteTable table = new RouteTable(List.of(config("GET", "/orders/{id}/items")));

    assertThat(table.match("GET", "/orders//items")).isEqualTo(RouteMatch.NOT_FOUND);
  }

  /**
   * The tree must answer exactly what trying every template in order of specificity answers: random tables
   * of overlapping templates and random paths over the same few words, against that scan.
   */
  @Test
  void answersWhatAScanOfEveryTemplateAnswers() {
    Random random = new Random(20261201);
    String[] words = {"a", "b", "c"};
    String[] methods = {"GET", "POST", "PUT", "DELETE"};
    for (int round = 0; round < 300; round++) {
      List<RouteConfig> configs = randomTable(random, words, methods);
      RouteTable table = new RouteTable(configs);
      for (int probe = 0; probe < 30; probe++) {
        StringBuilder path = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
          path.append('/').append(random.nextInt(5) == 0 ? "zz" : words[random.nextInt(words.length)]);
        }
        String requestPath = path.length() == 0 ? "/" : path.toString();
        String method = methods[random.nextInt(methods.length)];
        assertThat(describe(table.match(method, requestPath)))
            .as("%s %s in %s", method, requestPath, configs.stream().map(RouteConfig::name).toList())
            .isEqualTo(describe(scan(table.routes(), method, requestPath)));
      }
    }
  }

  /** Templates of one to three segments; two of one method that overlap at equal specificity are skipped, as configuration refuses them. */
  private static List<RouteConfig> randomTable(Random random, String[] words, String[] methods) {
    List<RouteConfig> configs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      StringBuilder path = new StringBuilder();
      int length = 1 + random.nextInt(3);
      for (int s = 0; s < length; s++) {
        path.append('/').append(random.nextBoolean() ? words[random.nextInt(words.length)] : "{p" + s + "}");
      }
      RouteConfig candidate = config(methods[random.nextInt(methods.length)], path.toString());
      PathTemplate template = PathTemplate.parse(candidate.path());
      boolean clash =
          configs.stream()
              .anyMatch(
                  other -> {
                    PathTemplate otherTemplate = PathTemplate.parse(other.path());
                    return other.method().equals(candidate.method())
                        && otherTemplate.overlaps(template)
                        && otherTemplate.specificity() == template.specificity();
                  });
      if (!clash && names.add(candidate.name())) {
        configs.add(candidate);
      }
    }
    return configs;
  }

  /** The matching as it was before the tree: every template in order of specificity. */
  private static RouteMatch scan(List<Route> bySpecificity, String method, String path) {
    String wanted = method.equals("HEAD") ? "GET" : method;
    Set<String> allowed = null;
    List<Route> ordered = new ArrayList<>(bySpecificity);
    ordered.sort(Comparator.comparingInt((Route route) -> route.template().specificity()).reversed());
    for (Route route : ordered) {
      Map<String, String> params = route.template().match(path);
      if (params == null) {
        continue;
      }
      if (route.config().method().equals(wanted)) {
        return new RouteMatch.Found(route, params);
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(route.config().method());
      if (route.config().method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    return allowed == null ? RouteMatch.NOT_FOUND : new RouteMatch.MethodNotAllowed(allowed);
  }

  private static String describe(RouteMatch match) {
    if (match instanceof RouteMatch.Found found) {
      return "found " + found.route().name() + " " + found.pathParams();
    }
    return match.toString();
  }
}
