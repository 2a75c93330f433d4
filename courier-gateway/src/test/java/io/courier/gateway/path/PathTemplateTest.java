package io.courier.gateway.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplateTest {

  @Test
  void literalTemplateMatchesOnlyItsOwnPath() {
    PathTemplate template = PathTemplate.parse("/orders/recent");

    assertThat(template.match("/orders/recent")).isEmpty();
    assertThat(template.match("/orders/Recent")).isNull();
    assertThat(template.match("/orders")).isNull();
    assertThat(template.match("/orders/recent/more")).isNull();
    assertThat(template.parameters()).isEmpty();
  }

  @Test
  void parameterSegmentsAreCapturedInTemplateOrder() {
    PathTemplate template = PathTemplate.parse("/baskets/{customerId}/items/{sku}");

    Map<String, String> params = template.match("/baskets/c-42/items/SKU-1");

    assertThat(params).containsExactly(Map.entry("customerId", "c-42"), Map.entry("sku", "SKU-1"));
    assertThat(template.parameters()).containsExactly("customerId", "sku");
  }

  @Test
  void literalSegmentsAroundParametersMustMatch() {
    PathTemplate template = PathTemplate.parse("/baskets/{customerId}/items/{sku}");

    assertThat(template.match("/baskets/c-42/things/SKU-1")).isNull();
  }

  @Test
  void parameterDoesNotMatchAnEmptySegment() {
    PathTemplate template = PathTemplate.parse("/orders/{id}/items");

    assertThat(template.match("/orders//items")).isNull();
  }

  @Test
  void parameterDoesNotSpanSegments() {
    assertThat(PathTemplate.parse("/orders/{id}").match("/orders/1/2")).isNull();
  }

  @Test
  void oneTrailingSlashIsIgnored() {
    assertThat(PathTemplate.parse("/orders/{id}").match("/orders/17/")).containsExactly(Map.entry("id", "17"));
    assertThat(PathTemplate.parse("/orders").match("/orders/")).isEmpty();
    assertThat(PathTemplate.parse("/orders/").match("/orders")).isEmpty();
  }

  @Test
  void twoTrailingSlashesAreNotIgnored() {
    assertThat(PathTemplate.parse("/orders").match("/orders//")).isNull();
  }

  @Test
  void rootTemplateMatchesOnlyTheRoot() {
    PathTemplate root = PathTemplate.parse("/");

    assertThat(root.match("/")).isEmpty();
    assertThat(root.match("/orders")).isNull();
  }

  @Test
  void parametersArePercentDecoded() {
    PathTemplate template = PathTemplate.parse("/customers/{name}");

    assertThat(template.match("/customers/J%C3%BCrgen%20M%2FK")).containsEntry("name", "Jürgen M/K");
  }

  @Test
  void plusInAPathStaysAPlus() {
    // '+' means space only in form-encoded queries, never in a path
    assertThat(PathTemplate.parse("/tags/{tag}").match("/tags/c++")).containsEntry("tag", "c++");
    assertThat(PathTemplate.parse("/tags/{tag}").match("/tags/a+b%20c")).containsEntry("tag", "a+b c");
  }

  @Test
  void literalSegmentsAreComparedDecoded() {
    // RFC 3986 section 6.2.2.2: a percent-encoded octet is the same as the character it encodes
    assertThat(PathTemplate.parse("/a b").match("/a%20b")).isEmpty();
    assertThat(PathTemplate.parse("/orders").match("/ord%65rs")).isEmpty();
    assertThat(PathTemplate.parse("/café").match("/caf%C3%A9")).isEmpty();
  }

  @Test
  void anEncodedSlashIsPartOfAParameterNotASeparator() {
    assertThat(PathTemplate.parse("/files/{name}").match("/files/a%2Fb")).containsEntry("name", "a/b");
    assertThat(PathTemplate.parse("/files/{name}").match("/files/a/b")).isNull();
  }

  @Test
  void shapeIgnoresParameterNamesAndATrailingSlash() {
    assertThat(PathTemplate.parse("/orders/{id}/").shape()).isEqualTo(PathTemplate.parse("/orders/{orderId}").shape());
    assertThat(PathTemplate.parse("/orders/").shape()).isEqualTo("/orders");
    assertThat(PathTemplate.parse("/").shape()).isEqualTo("/");
  }

  @Test
  void templatesOverlapWhenSomePathMatchesBoth() {
    assertThat(PathTemplate.parse("/orders/{id}/items").overlaps(PathTemplate.parse("/orders/recent/{x}"))).isTrue();
    assertThat(PathTemplate.parse("/orders/{id}").overlaps(PathTemplate.parse("/orders/recent"))).isTrue();
    assertThat(PathTemplate.parse("/orders/{id}").overlaps(PathTemplate.parse("/customers/{id}"))).isFalse();
    assertThat(PathTemplate.parse("/orders/{id}").overlaps(PathTemplate.parse("/orders/{id}/items"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a%20b", "/orders/../admin", "/./orders", "/orders//items"})
  void templatesAreWrittenDecodedAndWithoutDotSegments(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(text));
  }

  @Test
  void underscoreAndDigitsAreAllowedInParameterNames() {
    assertThat(PathTemplate.parse("/x/{_id2}").parameters()).containsExactly("_id2");
  }

  @Test
  void textIsKeptAsWritten() {
    assertThat(PathTemplate.parse("/orders/{id}").text()).isEqualTo("/orders/{id}");
    assertThat(PathTemplate.parse("/orders/{id}")).hasToString("/orders/{id}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/orders/x{id}", "/orders/{id}x", "/orders/{id", "/orders/id}"})
  void parameterThatIsNotAWholeSegmentIsRejected(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PathTemplate.parse(text))
        .withMessageContaining("whole segment")
        .withMessageContaining(text);
  }

  @Test
  void duplicateParameterNameIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PathTemplate.parse("/a/{id}/b/{id}"))
        .withMessageContaining("\"id\" appears twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a/{}", "/a/{1id}", "/a/{my-id}", "/a/{my id}", "/a/{{id}}", "/{a}{b}"})
  void badParameterNameIsRejected(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PathTemplate.parse(text))
        .withMessageContaining("bad path parameter name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/orders?id={id}", "/orders/{id}?x", "/orders#top"})
  void queryOrFragmentInTheTemplateIsRejected(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PathTemplate.parse(text))
        .withMessageContaining("query or fragment");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "orders", "orders/{id}"})
  void templateWithoutLeadingSlashIsRejected(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PathTemplate.parse(text))
        .withMessageContaining("must start with '/'");
  }
}
