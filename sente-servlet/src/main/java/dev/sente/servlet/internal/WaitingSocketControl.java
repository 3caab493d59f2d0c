package dev.sente.servlet.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;

/**
 * Pausing reads by holding the delivery, on any container (Tomcat's control uses it too, see {@link
 * TomcatSocketControl} for why): a delivery during which reading was paused does not return to the
 * container until reading resumes or the session closes, so the container reads nothing more from
 * that connection meanwhile.
 *
 * <p>Its cost: one container thread per paused socket, blocked for as long as the pause lasts (the
 * engine pauses a client whose handlers fall behind), which a container with a bounded thread pool
 * may run out of. Its own {@link #disconnect} is a close (the standard API has nothing closer), so
 * a peer that stopped reading is cut only when the container's own write timeout gives up on it.
 */
final class WaitingSocketControl implements SocketControl {

  private final Session session;
  private boolean paused; // guarded by this
  private boolean closed; // guarded by this

  WaitingSocketControl(Session session) {
    this.session = session;
  }

  @Override
  public synchronized void pause() {
    paused = true;
  }

  @Override
  public synchronized void resume() {
    paused = false;
    notifyAll();
  }

  @Override
  public synchronized void delivered() {
    boolean interrupted = false;
    while (paused && !closed) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void closed() {
    closed = true;
    notifyAll();
  }

  @Override
  public void disconnect() {
    closed();
    try {
      session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Connection dropped"));
    } catch (IOException | RuntimeException e) {
      // closed already, or failing: either way the container is done with it
    }
  }
}
