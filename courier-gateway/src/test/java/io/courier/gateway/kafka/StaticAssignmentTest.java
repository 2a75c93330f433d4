package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StaticAssignmentTest {

  @Test
  void instanceKOfNReadsEveryNthPartitionStartingAtK() {
    assertThat(StaticAssignment.partitions(0, 3, 12)).containsExactly(0, 3, 6, 9);
    assertThat(StaticAssignment.partitions(2, 3, 12)).containsExactly(2, 5, 8, 11);
  }

  @Test
  void everyPartitionHasExactlyOneOwner() {
    int owned = 0;
    for (int index = 0; index < 5; index++) {
      owned += StaticAssignment.partitions(index, 5, 12).size();
    }
    assertThat(owned).isEqualTo(12);
  }

  @Test
  void moreInstancesThanPartitionsIsRefusedWithTheNumbers() {
    assertThatThrownBy(() -> StaticAssignment.partitions(0, 5, 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("instance-count 5")
        .hasMessageContaining("which has 4");
  }

  @Test
  void unevenSplitsAreWarnedAbout() {
    assertThat(StaticAssignment.unevenWarning(3, 12)).isNull();
    assertThat(StaticAssignment.unevenWarning(5, 12)).contains("12 partitions").contains("3 partitions, others 2");
  }
}
