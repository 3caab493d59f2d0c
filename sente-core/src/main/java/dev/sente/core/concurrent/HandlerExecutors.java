package dev.sente.core.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for application callbacks: virtual threads when the runtime has them (Java 21+), a
 * cached pool of daemon threads otherwise. The library is compiled for Java 17, so virtual threads
 * are found at run time.
 */
public final class HandlerExecutors {

  private HandlerExecutors() {}

  /** True when this runtime offers virtual threads. */
  public static boolean virtualThreadsAvailable() {
    return Runtime.version().feature() >= 21 && virtualPerTask() != null;
  }

  /**
   * A new executor that starts one virtual thread per task when available, or else a cached pool of
   * daemon platform threads named {@code prefix-N}.
   */
  public static ExecutorService newHandlerExecutor(String prefix) {
    ExecutorService virtual = Runtime.version().feature() >= 21 ? virtualPerTask() : null;
    return virtual != null ? virtual : Executors.newCachedThreadPool(daemonFactory(prefix));
  }

  /** A factory of daemon threads named {@code prefix-N}. */
  public static ThreadFactory daemonFactory(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static ExecutorService virtualPerTask() {
    try {
      return (ExecutorService)
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class))
              .invoke();
    } catch (Throwable e) {
      return null;
    }
  }
}
