package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.json.JsonPacker;
import dev.sente.server.Transport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private final List<Object> replies = new ArrayList<>();
  private final Dispatcher dispatcher = new Dispatcher((error, message) -> {}, () -> 0L);

  private Message message(String id) {
    return new Message(
        Event.of(id),
        "alice",
        "c1",
        null,
        Transport.WEBSOCKET,
        JsonPacker.create(),
        value -> replies.add(value));
  }

  @Test
  void unhandledIdsAreRememberedUpToABound() {
    for (int i = 0; i < 10_000; i++) {
      dispatcher.dispatch(Runnable::run, message("x/unhandled-" + i));
    }

    assertThat(dispatcher.warnedUnhandledCount()).isEqualTo(Dispatcher.MAX_WARNED_IDS);
    assertThat(replies).as("every one still answered chsk/error").hasSize(10_000);
  }

  @Test
  void anUnhandledIdIsRememberedOnce() {
    for (int i = 0; i < 5; i++) {
      dispatcher.dispatch(Runnable::run, message("x/same"));
    }

    assertThat(dispatcher.warnedUnhandledCount()).isEqualTo(1);
  }
}
