package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bus's message format, and what it does with messages that do not parse. */
class BusMessagesTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anAppendReadsItsUserEpochNumberAndEventsWhateverBytesTheyHold() {
    BusMessages.Append append =
        (BusMessages.Append) BusMessages.read(bytes("1:a5:a:b:c8:AbCdEfGh2:424:1:2:0:"));
    assertThat(append.user()).isEqualTo("a:b:c");
    assertThat(append.epoch()).isEqualTo("AbCdEfGh");
    assertThat(append.firstSeq()).isEqualTo(42);
    assertThat(append.events()).hasSize(2);
    assertThat(new String(append.events().get(0), StandardCharsets.UTF_8)).isEqualTo("1:2:");
    assertThat(append.events().get(1)).isEmpty();
  }

  @Test
  void appendsReadEachUsersEpochNumberAndEventsInOrder() {
    BusMessages.Appends all =
        (BusMessages.Appends)
            BusMessages.read(bytes("1:b5:alice2:E11:71:22:e12:e23:bob2:E21:11:13:x:y"));
    assertThat(all.appends()).hasSize(2);
    BusMessages.Append alice = all.appends().get(0);
    assertThat(alice.user()).isEqualTo("alice");
    assertThat(alice.epoch()).isEqualTo("E1");
    assertThat(alice.firstSeq()).isEqualTo(7);
    assertThat(alice.events().stream().map(String::new)).containsExactly("e1", "e2");
    BusMessages.Append bob = all.appends().get(1);
    assertThat(bob.user()).isEqualTo("bob");
    assertThat(bob.firstSeq()).isEqualTo(1);
    assertThat(bob.events().stream().map(String::new)).containsExactly("x:y");
    for (String bad :
        new String[] {
          "1:b", // no append
          "1:b5:alice2:E11:71:3", // fewer events than it says
          "1:b5:alice2:E11:71:02:e1", // a count below 1
          "1:b5:alice2:E11:01:12:e1", // a number below 1
          "1:b5:alice2:E11:71:12:e13:bob", // a second append cut short
        }) {
      assertThatThrownBy(() -> BusMessages.read(bytes(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aKindThisNodeDoesNotKnowIsNoMessage() {
    assertThat(BusMessages.read(bytes("1:z3:abc"))).as("a kind this node does not know").isNull();
  }

  @Test
  void aPresenceChangeReadsItsNodeTransportUserTransitionAndVersion() {
    assertThat(BusMessages.read(bytes("1:p2:n17:w|a|b|c6:OPENED2:17")))
        .isEqualTo(
            new BusMessages.Presence("n1", "w", "a|b|c", RedisPresence.Transition.OPENED, 17));
    for (String bad :
        new String[] {
          "1:p2:n17:x|alice6:OPENED1:1", // not a transport
          "1:p2:n15:walice6:OPENED1:1", // no separator
          "1:p2:n17:w|alice4:NONE1:1", // changes nothing
          "1:p2:n17:w|alice5:OPEN!1:1", // not a transition
          "1:p2:n17:w|alice6:OPENED1:0", // version below 1
          "1:p2:n17:w|alice6:OPENED", // too few fields
        }) {
      assertThatThrownBy(() -> BusMessages.read(bytes(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aSkipReadsItsUserEpochAndLastNumber() {
    assertThat(BusMessages.read(bytes("1:g3:dan8:AbCdEfGh1:5")))
        .isEqualTo(new BusMessages.Skipped("dan", "AbCdEfGh", 5));
    for (String bad : new String[] {"1:g3:dan8:AbCdEfGh1:0", "1:g3:dan8:AbCdEfGh1:x", "1:g3:dan"}) {
      assertThatThrownBy(() -> BusMessages.read(bytes(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void malformedMessagesAreRefusedNeverReadPastTheirEnd() {
    for (String bad :
        new String[] {
          "1:a5:alice", // too few fields
          "1:a5:alice8:AbCdEfGh1:x1:e", // not a number
          "1:a5:alice8:AbCdEfGh1:01:e", // below 1
          "1:a5:alice8:AbCdEfGh1:199:e", // cut short
          "1:a5:alice8:AbCdEfGh1:1x:e", // a length that is not digits
          "1:a5:alice8:AbCdEfGh1:11234567890:e", // a length of 10 digits
          "1:a5:alice8:AbCdEfGh1:1:e", // a field with no length
          "3" // no colon
        }) {
      assertThatThrownBy(() -> BusMessages.read(bytes(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
