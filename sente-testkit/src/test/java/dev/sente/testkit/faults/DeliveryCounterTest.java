package dev.sente.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeliveryCounterTest {

  private static DeliveryCounter arrived(long... seqs) {
    DeliveryCounter counter = new DeliveryCounter();
    for (long seq : seqs) {
      counter.received(seq);
    }
    return counter;
  }

  @Test
  void everyNumberOnceAndInOrderIsPerfect() {
    DeliveryCounter counter = arrived(LongStream.rangeClosed(1, 1000).toArray());
    DeliveryCounter.Report report = counter.report(1000);
    assertThat(report).isEqualTo(new DeliveryCounter.Report(1000, 1000, 1000, 0, 0, 0, 0));
    assertThat(report.perfect()).isTrue();
    assertThat(report).hasToString("0 lost, 0 duplicated, 0 reordered of 1000");
  }

  @Test
  void lossesAreTheNumbersThatNeverArrivedAndDoNotCountAsReordering() {
    DeliveryCounter.Report report = arrived(1, 2, 5, 6, 9).report(10);
    assertThat(report).isEqualTo(new DeliveryCounter.Report(10, 5, 5, 5, 0, 0, 0));
    assertThat(report.perfect()).isFalse();
  }

  @Test
  void eachExtraCopyCountsAsOneDuplicate() {
    DeliveryCounter.Report report = arrived(1, 2, 2, 3, 2, 1, 4).report(4);
    assertThat(report).isEqualTo(new DeliveryCounter.Report(4, 7, 4, 0, 3, 0, 0));
  }

  @Test
  void aFirstArrivalBelowTheHighestSoFarIsReordered() {
    assertThat(arrived(1, 3, 2).report(3).reordered()).isEqualTo(1);
    assertThat(arrived(3, 1, 2).report(3).reordered()).isEqualTo(2);
    assertThat(arrived(2, 1, 4, 3, 5).report(5).reordered()).isEqualTo(2);
    // a late copy is a duplicate, not a reordering
    DeliveryCounter.Report replayed = arrived(1, 2, 3, 1, 2, 3, 4).report(4);
    assertThat(replayed.reordered()).isZero();
    assertThat(replayed.duplicated()).isEqualTo(3);
  }

  @Test
  void lossDuplicationAndReorderingTogetherAreEachCountedExactly() {
    // 10 sent; 4 and 8 lost; 6 twice; 3 after 5; 10 before 9
    DeliveryCounter.Report report = arrived(1, 2, 5, 3, 6, 6, 7, 10, 9).report(10);
    assertThat(report).isEqualTo(new DeliveryCounter.Report(10, 9, 8, 2, 1, 2, 0));
  }

  @Test
  void numbersOutsideTheStreamAndDataWithoutANumberAreUnexpected() {
    DeliveryCounter counter = arrived(1, 2, 11, 0);
    counter.receivedData("no number");
    DeliveryCounter.Report report = counter.report(3);
    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.unexpected()).isEqualTo(3);
    assertThat(report.perfect()).isFalse();
    assertThat(report.toString()).endsWith("(3 unexpected)");
  }

  @Test
  void theNumberIsReadFromTheDataAsPackersReadIt() {
    assertThat(DeliveryCounter.seqOf(Map.of("seq", 7))).contains(7L);
    assertThat(DeliveryCounter.seqOf(Map.of("seq", 7L))).contains(7L);
    Map<Object, Object> keywordKeyed = new LinkedHashMap<>();
    keywordKeyed.put(
        new Object() {
          @Override
          public String toString() {
            return ":seq";
          }
        },
        8);
    assertThat(DeliveryCounter.seqOf(keywordKeyed)).contains(8L);
    assertThat(DeliveryCounter.seqOf(9)).contains(9L);
    assertThat(DeliveryCounter.seqOf(Map.of("other", 1))).isEmpty();
    assertThat(DeliveryCounter.seqOf(null)).isEmpty();
    DeliveryCounter counter = new DeliveryCounter();
    counter.receivedData(DeliveryCounter.numbered(1));
    assertThat(counter.report(1).perfect()).isTrue();
  }

  @Test
  void theSteadySenderSendsEveryNumberInOrderAndCountsRefusals() {
    DeliveryCounter counter = new DeliveryCounter();
    try (SteadySender sender =
        SteadySender.start(
            "test",
            200,
            2_000,
            seq -> {
              counter.received(seq);
              return seq % 10 != 0;
            })) {
      assertThat(sender.awaitDone(java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(sender.sent()).isEqualTo(200);
      assertThat(sender.refused()).isEqualTo(20);
    }
    assertThat(counter.report(200).perfect()).isTrue();
  }
}
