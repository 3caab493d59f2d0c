package dev.sente.client.internal;

import dev.sente.client.ClientConfig;
import dev.sente.core.concurrent.HandlerExecutors;
import dev.sente.core.time.Scheduler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.slf4j.LoggerFactory;

/**
 * The heavy parts of a client, shared or its own: the scheduler, the callback executor and the HTTP
 * client. {@link #close()} ends only the ones the client created.
 */
final class Resources implements AutoCloseable {

  private static final MethodHandle SHUTDOWN_NOW = findShutdownNow();

  final Scheduler scheduler;
  final Executor executor;
  final Wire wire;
  private final List<Runnable> owned = new ArrayList<>();

  private Resources(ClientConfig config) {
    Scheduler sharedScheduler = config.scheduler().orElse(null);
    if (sharedScheduler == null) {
      Scheduler own = Scheduler.system("sente-client-timer");
      owned.add(own::close);
      sharedScheduler = own;
    }
    this.scheduler = sharedScheduler;
    Executor sharedExecutor = config.callbackExecutor().orElse(null);
    if (sharedExecutor == null) {
      ExecutorService own = HandlerExecutors.newHandlerExecutor("sente-client");
      owned.add(own::shutdown);
      sharedExecutor = own;
    }
    this.executor = sharedExecutor;
    HttpClient http = config.httpClient().orElse(null);
    if (http == null) {
      ExecutorService httpThreads = HandlerExecutors.newHandlerExecutor("sente-client-http");
      HttpClient own =
          HttpClient.newBuilder()
              .executor(httpThreads)
              .connectTimeout(config.connectTimeout())
              .build();
      owned.add(() -> shutdownNow(own));
      owned.add(httpThreads::shutdown);
      http = own;
    }
    this.wire = new JdkWire(http, config.maxMessageBytes());
  }

  static Resources of(ClientConfig config) {
    return new Resources(config);
  }

  @Override
  public void close() {
    for (Runnable release : owned) {
      try {
        release.run();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(Resources.class).warn("Releasing a client resource failed", e);
      }
    }
  }

  /** {@code HttpClient.shutdownNow()} exists from Java 21; on 17 the client ends when collected. */
  private static void shutdownNow(HttpClient http) {
    if (SHUTDOWN_NOW != null) {
      try {
        SHUTDOWN_NOW.invoke(http);
      } catch (Throwable e) {
        LoggerFactory.getLogger(Resources.class).debug("HttpClient.shutdownNow failed", e);
      }
    }
  }

  private static MethodHandle findShutdownNow() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(HttpClient.class, "shutdownNow", MethodType.methodType(void.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
