package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SettingTest {

  @Test
  void referenceTableHasOneRowPerSetting() {
    String table = Setting.referenceTable();

    assertThat(table).startsWith("| key | default | meaning |\n|---|---|---|\n");
    assertThat(table.lines()).hasSize(Setting.values().length + 2);
    for (Setting setting : Setting.values()) {
      assertThat(table)
          .contains("| `" + setting.path() + "` | " + setting.defaultValue() + " | " + setting.description() + " |\n");
    }
  }

  @Test
  void keyIsTheLastSegmentOfThePath() {
    assertThat(Setting.HTTP_PORT.key()).isEqualTo("port");
    assertThat(Setting.ROUTE_FORWARD_HEADERS.key()).isEqualTo("forward-headers");
    assertThat(Setting.INSTANCE_ID.key()).isEqualTo("instance-id");
  }

  @Test
  void everySettingIsAKeyTheLoaderAccepts() {
    for (Setting setting : Setting.values()) {
      String path = setting.path();
      int dot = path.lastIndexOf('.');
      String parent = dot < 0 ? "" : path.substring(0, dot);
      assertThat(ConfigLoader.keysUnder(parent)).as(path).contains(setting.key());
    }
  }

  @Test
  void loaderAcceptsNoKeyThatIsNotASetting() {
    assertThat(ConfigLoader.keysUnder("services[].routes[]"))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Setting.values())
                .map(Setting::path)
                .filter(path -> path.startsWith("services[].routes[]."))
                .map(path -> path.substring("services[].routes[].".length()).split("\\.", 2)[0]) // state.topic: under state
                .distinct()
                .toList());
    assertThat(ConfigLoader.keysUnder("")).containsExactlyInAnyOrder("instance-id", "http", "kafka", "results", "access-log", "tracing", "authentication", "cors", "management", "websocket", "services");
  }
}
