package io.courier.examples.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class CompactedTopicStoreIT {

  @Test
  void aStoreOpenedAgainHoldsTheLatestValueOfEveryKeyAndNoRemovedKey(EmbeddedKafka kafka) {
    // Given
    String topic = "store-it.reopen";
    try (CompactedTopicStore store = CompactedTopicStore.open(kafka.bootstrapServers(), topic)) {
      store.put("a", "{\"v\":1}");
      store.put("b", "{\"v\":2}");
      store.put("a", "{\"v\":3}");
      store.delete("b");
      store.put("c", "{\"v\":4}");
      assertThat(store.get("a")).contains("{\"v\":3}");
    }

    // When
    try (CompactedTopicStore reopened = CompactedTopicStore.open(kafka.bootstrapServers(), topic)) {
      // Then
      assertThat(reopened.get("a")).contains("{\"v\":3}");
      assertThat(reopened.get("b")).isEmpty();
      assertThat(reopened.get("c")).contains("{\"v\":4}");
    }
  }

  @Test
  void aNewTopicOpensEmpty(EmbeddedKafka kafka) {
    try (CompactedTopicStore store = CompactedTopicStore.open(kafka.bootstrapServers(), "store-it.empty")) {
      assertThat(store.get("anything")).isEmpty();
      assertThat(store.topic()).isEqualTo("store-it.empty");
    }
  }
}
