package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The held-poll count and its limit ({@code maxHeldPolls}), on a manual clock: the count falls on
 * every way a poll ends (answered by a push, with pending events, timed out, replaced, gone, closed
 * by the server or by a disconnect), and a poll beyond the limit is answered 503 at once.
 */
class HeldPollCountTest {
  private final EngineFixture fixture = new EngineFixture();
  private final ManualScheduler time = fixture.time;
  private SenteServer sente;

  private SenteServer start(SenteServer.Builder builder) {
    return sente =
        fixture.start(builder.longPollTimeout(Duration.ofMillis(1000)), Runnable::run, false);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private int held() {
    return sente.endpoint().heldPolls();
  }

  @Test
  void aPollAnsweredByAPushIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange poll = fixture.poll("alice", "c1");
    assertThat(held()).isEqualTo(1);
    sente.send("alice", "x/a", 1, true);
    assertThat(poll.poll.body).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(held()).isZero();
  }

  @Test
  void aPollAnsweredAtOnceWithPendingEventsIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange first = fixture.poll("alice", "c1");
    sente.send("alice", "x/a", 1, true);
    assertThat(first.poll.body).isNotNull();
    sente.send("alice", "x/b", 2, true); // waits for the next poll
    FakeExchange next = fixture.ajaxGet("alice", "c1", false);
    assertThat(next.poll.body).isEqualTo("[[[\"x/b\",2]],null]");
    assertThat(held()).isZero();
  }

  @Test
  void aPollThatTimesOutIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange poll = fixture.poll("alice", "c1");
    time.advance(999);
    assertThat(held()).isEqualTo(1);
    time.advance(1);
    assertThat(poll.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(held()).isZero();
  }

  @Test
  void aReplacedPollIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange first = fixture.poll("alice", "c1");
    FakeExchange second = fixture.ajaxGet("alice", "c1", false);
    assertThat(first.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(second.poll.isOpen()).isTrue();
    assertThat(held()).isEqualTo(1);
  }

  @Test
  void aPollWhoseClientWentAwayIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange poll = fixture.poll("alice", "c1");
    poll.poll.clientGoesAway();
    assertThat(held()).isZero();
    time.advance(1000); // its timeout finds nothing to answer and counts nothing twice
    assertThat(held()).isZero();
  }

  @Test
  void aPollThatIsGoneWhenAPushTriesItIsNoLongerCounted() {
    start(SenteServer.builder());
    FakeExchange poll = fixture.poll("alice", "c1");
    poll.poll.goneUnnoticed();
    sente.send("alice", "x/a", 1, true);
    assertThat(held()).isZero();
  }

  @Test
  void pollsEndedByADisconnectOrByClosingTheServerAreNoLongerCounted() {
    start(SenteServer.builder());
    fixture.poll("alice", "c1");
    fixture.poll("bob", "c2");
    fixture.poll("bob", "c3");
    assertThat(held()).isEqualTo(3);
    sente.disconnect("alice");
    assertThat(held()).isEqualTo(2);
    sente.close();
    assertThat(held()).isZero();
  }

  @Test
  void aPollBeyondTheLimitIsAnswered503AndThePlaceIsFreeAgainOncePollsEnd() {
    start(SenteServer.builder().maxHeldPolls(2));
    FakeExchange first = fixture.poll("alice", "c1");
    fixture.poll("bob", "c2");

    fixture.ajaxGet("carol", "c3", true);
    FakeExchange refused = fixture.ajaxGet("carol", "c3", false);
    assertThat(refused.poll).as("not held").isNull();
    assertThat(refused.status).isEqualTo(503);
    assertThat(refused.responseBody)
        .isEqualTo("Too many held long-polls: this server holds at most 2; try again later");
    assertThat(held()).isEqualTo(2);
    assertThat(sente.connectedUsers().ajax()).containsExactlyInAnyOrder("alice", "bob");

    first.poll.clientGoesAway();
    assertThat(held()).isEqualTo(1);
    FakeExchange again = fixture.ajaxGet("carol", "c3", false);
    assertThat(again.poll).isNotNull();
    assertThat(held()).isEqualTo(2);
  }

  @Test
  void aClientsNewPollAtTheLimitReplacesItsOwnHeldPoll() {
    start(SenteServer.builder().maxHeldPolls(1));
    FakeExchange first = fixture.poll("alice", "c1");
    FakeExchange second = fixture.ajaxGet("alice", "c1", false);
    assertThat(second.poll).isNotNull();
    assertThat(first.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(held()).isEqualTo(1);
  }

  @Test
  void theLimitMustBePositive() {
    assertThatThrownBy(() -> SenteServer.builder().maxHeldPolls(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHeldPolls");
    assertThat(SenteServer.builder().config().maxHeldPolls())
        .isEqualTo(SenteServer.Builder.DEFAULT_MAX_HELD_POLLS);
  }
}
