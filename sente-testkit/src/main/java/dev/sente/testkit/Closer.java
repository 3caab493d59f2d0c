package dev.sente.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, after each test, last opened first (clients before the servers they
 * talk to):
 *
 * <pre>{@code
 * @RegisterExtension final Closer closer = new Closer();
 *
 * SenteServer sente = closer.add(SenteServer.builder().build());
 * }</pre>
 *
 * Every resource is closed even when one fails to close; the first failure is thrown, the others
 * added to it as suppressed.
 */
public final class Closer implements AfterEachCallback {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Closes the resource after the test; returns it. */
  public synchronized <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        next = resources.poll();
      }
      if (next == null) {
        break;
      }
      try {
        next.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
