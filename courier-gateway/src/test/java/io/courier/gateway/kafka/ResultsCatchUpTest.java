package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.results.ResultView;
import io.courier.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

class ResultsCatchUpTest {
  private final ResultView view = new ResultView(new FakeClock(), Duration.ofHours(1), 1024 * 1024);
  /** Every request for end offsets sent, in order; completed by the test, as the admin client would. */
  private final List<KafkaFutureImpl<Map<TopicPartition, ListOffsetsResultInfo>>> requests = new ArrayList<>();
  private RuntimeException refusal;
  private final ResultsCatchUp catchUp = new ResultsCatchUp(this::request, view);

  private KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> request() {
    if (refusal != null) {
      throw refusal;
    }
    KafkaFutureImpl<Map<TopicPartition, ListOffsetsResultInfo>> request = new KafkaFutureImpl<>();
    requests.add(request);
    return request;
  }

  private static Map<TopicPartition, ListOffsetsResultInfo> ends(long partition0, long partition1) {
    return Map.of(
        new TopicPartition("results", 0), new ListOffsetsResultInfo(partition0, -1, Optional.empty()),
        new TopicPartition("results", 1), new ListOffsetsResultInfo(partition1, -1, Optional.empty()));
  }

  @Test
  void aCatchUpEndsOnceTheViewHasReadUpToTheEndOffsetsOfEveryPartition() {
    // given a lookup that missed, and the topic's end offsets: 5 records in partition 0, none in partition 1
    CompletableFuture<Void> caughtUp = catchUp.caughtUp();
    requests.get(0).complete(ends(5, 0));

    // when the consumer has read partition 0 up to offset 3, then up to its end
    view.positionAt(0, 4);
    assertThat(caughtUp).isNotDone();
    view.positionAt(0, 5);

    // then the lookup goes on (an empty partition is not waited for)
    assertThat(caughtUp).isCompleted();
  }

  @Test
  void lookupsThatAskWhileARequestIsInFlightShareTheNextOneSentAfterIt() {
    // given a lookup whose request for the end offsets is in flight
    view.positionAt(0, 100);
    view.positionAt(1, 100);
    CompletableFuture<Void> first = catchUp.caughtUp();

    // when three more lookups miss meanwhile
    List<CompletableFuture<Void>> later = List.of(catchUp.caughtUp(), catchUp.caughtUp(), catchUp.caughtUp());

    // then they are not served by the request in flight (it may predate what they must see), but share one
    // request sent as soon as it ends
    assertThat(requests).hasSize(1);
    requests.get(0).complete(ends(10, 10));
    assertThat(first).isCompleted();
    assertThat(later).allSatisfy(lookup -> assertThat(lookup).isNotDone());
    assertThat(requests).hasSize(2);
    requests.get(1).complete(ends(20, 20));
    assertThat(later).allSatisfy(lookup -> assertThat(lookup).isCompleted());

    // and with nothing in flight, the next lookup sends its own at once
    catchUp.caughtUp();
    assertThat(requests).hasSize(3);
  }

  @Test
  void aLookupCanGiveUpOnACatchUpThatDoesNotCome() {
    // given a catch-up to an offset the consumer does not reach (it is restarting, say)
    CompletableFuture<Void> caughtUp = catchUp.caughtUp();
    requests.get(0).complete(ends(10, 0));

    // when the lookup gives up after its time
    CompletableFuture<Void> timed = caughtUp.orTimeout(50, TimeUnit.MILLISECONDS);

    // then it is told so, though the end offsets came from one of Kafka's futures, which refuse a timeout
    await().atMost(Duration.ofSeconds(5)).until(timed::isDone);
    assertThat(timed).isCompletedExceptionally();
    assertThat(timed.handle((done, error) -> error).join()).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aFailedRequestFailsItsLookupsAndTheNextLookupTriesAgain() {
    // given Kafka that cannot say, then a topic not set up yet
    CompletableFuture<Void> first = catchUp.caughtUp();
    CompletableFuture<Void> meanwhile = catchUp.caughtUp();
    refusal = new IllegalStateException("the results topic is not read yet");
    requests.get(0).completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("no answer"));

    // then both lookups fail with the reason
    assertThat(first).isCompletedExceptionally();
    assertThat(meanwhile).isCompletedExceptionally();
    assertThat(meanwhile.handle((done, error) -> error).join()).hasRootCauseMessage("the results topic is not read yet");

    // and a later lookup sends a new request
    refusal = null;
    view.positionAt(0, 100);
    view.positionAt(1, 100);
    CompletableFuture<Void> later = catchUp.caughtUp();
    assertThat(requests).hasSize(2);
    requests.get(1).complete(ends(1, 1));
    assertThat(later).isCompleted();
  }

  @Test
  void lookupsThatMissWhileTheConsumerIsBehindWaitForOneCatchUpAndSendNoRequests() {
    // given a catch-up whose end offsets came, waiting for the consumer to read up to them
    CompletableFuture<Void> first = catchUp.caughtUp();
    requests.get(0).complete(ends(50, 0));

    // when more lookups miss meanwhile
    List<CompletableFuture<Void>> later = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      later.add(catchUp.caughtUp());
    }

    // then they ask Kafka nothing yet; once the consumer is there, one request serves them all
    assertThat(requests).hasSize(1);
    view.positionAt(0, 50);
    assertThat(first).isCompleted();
    assertThat(requests).hasSize(2);
    requests.get(1).complete(ends(50, 0));
    assertThat(later).allSatisfy(lookup -> assertThat(lookup).isCompleted());
  }

  @Test
  void aCatchUpTheViewNeverReachesGivesUpAndTheNextStartsAfresh() {
    // given catch-ups that give up after 100 ms; a consumer at offset 5 of partition 0, where the first catch-up
    // is told the end is 10 (it is stuck there, restarting, say) and every later one that it is 5
    view.positionAt(0, 5);
    java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    KafkaFutureImpl<Map<TopicPartition, ListOffsetsResultInfo>> first = new KafkaFutureImpl<>();
    ResultsCatchUp quick = new ResultsCatchUp(
        () -> sent.getAndIncrement() == 0 ? first : KafkaFuture.completedFuture(ends(5, 0)), view, Duration.ofMillis(100));
    CompletableFuture<Void> stuck = quick.caughtUp();
    CompletableFuture<Void> meanwhile = quick.caughtUp();
    first.complete(ends(10, 0));

    // when its time is up
    await().atMost(Duration.ofSeconds(5)).until(stuck::isDone);

    // then its lookups are told, and the lookups that waited for the next catch-up get theirs, as does a later one
    assertThat(stuck).isCompletedExceptionally();
    await().atMost(Duration.ofSeconds(5)).until(meanwhile::isDone);
    assertThat(meanwhile).isCompleted();
    assertThat(quick.caughtUp()).isCompleted();
    assertThat(sent).hasValue(3);
  }

  @Test
  void endOffsetsThatAreThereAtOnceServeEachLookupAtOnce() {
    // given Kafka futures that are complete when handed over, and a view already past the end offsets
    view.positionAt(0, 100);
    view.positionAt(1, 100);
    List<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> sent = new ArrayList<>();
    ResultsCatchUp atOnce = new ResultsCatchUp(() -> {
      KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> done = KafkaFuture.completedFuture(ends(10, 10));
      sent.add(done);
      return done;
    }, view);

    // when lookups miss one after the other
    List<CompletableFuture<Void>> lookups = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      lookups.add(atOnce.caughtUp());
    }

    // then each is served at once, on the caller's thread, by a request of its own (nothing was in progress)
    assertThat(lookups).allSatisfy(lookup -> assertThat(lookup).isCompleted());
    assertThat(sent).hasSize(1_000);
  }
}
