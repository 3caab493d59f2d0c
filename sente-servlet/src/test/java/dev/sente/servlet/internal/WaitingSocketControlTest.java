package dev.sente.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The fallback for unknown containers: the delivering thread waits while reading is paused. */
class WaitingSocketControlTest {

  private final AtomicReference<CloseReason> closedWith = new AtomicReference<>();
  private final Session session =
      (Session)
          Proxy.newProxyInstance(
              Session.class.getClassLoader(),
              new Class<?>[] {Session.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close") && args != null) {
                  closedWith.set((CloseReason) args[0]);
                }
                return null;
              });

  private CompletableFuture<Void> deliveryReturns(SocketControl control, CountDownLatch started) {
    return CompletableFuture.runAsync(
        () -> {
          started.countDown();
          control.delivered();
        });
  }

  @Test
  void aPausedDeliveryReturnsOnlyOnceResumed() throws Exception {
    SocketControl control = new WaitingSocketControl(session);
    control.pause();
    CountDownLatch started = new CountDownLatch(1);

    CompletableFuture<Void> returned = deliveryReturns(control, started);

    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(returned).isNotCompleted();
    control.resume();
    returned.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aResumeBeforeTheDeliveryReturnedLetsItReturnAtOnce() throws Exception {
    SocketControl control = new WaitingSocketControl(session);
    control.pause();
    control.resume();
    control.resume(); // a no-op when not paused

    deliveryReturns(control, new CountDownLatch(1)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aDisconnectWakesAPausedDeliveryAndClosesTheSession() throws Exception {
    SocketControl control = new WaitingSocketControl(session);
    control.pause();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> returned = deliveryReturns(control, started);
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    control.disconnect();

    returned.get(5, TimeUnit.SECONDS);
    assertThat(closedWith.get().getCloseCode()).isEqualTo(CloseReason.CloseCodes.GOING_AWAY);
  }

  @Test
  void tomcatSessionsGetTomcatsControlAndOthersTheFallback() {
    assertThat(SocketControl.of(session)).isInstanceOf(WaitingSocketControl.class);
  }
}
