package dev.sente.client.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.ClientState;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.core.time.Scheduler;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many clients in one JVM share the heavy parts and leave no thread behind when closed. */
class ManyClientsTest {

  private static final int CLIENTS = 200;

  @Test
  void manyClientsShareOneHttpClientSchedulerAndExecutorAndLeaveNoThreadBehind() throws Exception {
    ThreadPoolExecutor httpThreads = fixedPool(2);
    ThreadPoolExecutor callbacks = fixedPool(2);
    HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
    Scheduler timers = Scheduler.system("shared-sente-timers");
    timers.schedule(0, () -> {}); // starts its thread
    try (MiniWebSocketServer server = new MiniWebSocketServer()) {
      openAndClose(server, http, timers, callbacks, 1); // warm-up: the JDK's lazily made threads
      await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> server.open.get() == 0);
      int baseline = threadCount();

      List<SenteClient> clients = openAll(server, http, timers, callbacks, CLIENTS);
      assertThat(server.open.get()).isEqualTo(CLIENTS);
      assertThat(threadCount() - server.open.get())
          .as("threads beyond the server's one per connection")
          .isLessThanOrEqualTo(baseline + 2);

      clients.forEach(SenteClient::close);
      assertThat(clients).allMatch(c -> !c.state().isOpen());
      await().atMost(Duration.ofSeconds(20)).until(() -> server.open.get() == 0);
      await()
          .pollInSameThread() // Awaitility's own thread would count
          .atMost(Duration.ofSeconds(20))
          .until(() -> threadCount() <= baseline);
    } finally {
      timers.close();
      callbacks.shutdown();
      httpThreads.shutdown();
    }
  }

  @Test
  void aClientWithItsOwnResourcesEndsItsThreadsOnClose() throws Exception {
    try (MiniWebSocketServer server = new MiniWebSocketServer()) {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      SenteClient client =
          SenteClient.builder(server.endpoint()).transport(Transport.WEBSOCKET).build();
      client.on("x/a", event -> {});
      client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server.pushToAll("[[[\"x/a\",1]],null]");
      assertThat(newThreads(before)).anyMatch(name -> name.startsWith("sente-client-timer"));

      client.close();

      // Java 17's HttpClient has no shutdown: its selector thread ends when it is collected
      await()
          .pollInSameThread()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(newThreads(before))
                      .noneMatch(name -> name.startsWith("sente-client"))
                      .noneMatch(
                          name ->
                              Runtime.version().feature() >= 21 && name.startsWith("HttpClient")));
    }
  }

  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .toList();
  }

  private static void openAndClose(
      MiniWebSocketServer server,
      HttpClient http,
      Scheduler timers,
      ThreadPoolExecutor callbacks,
      int n)
      throws Exception {
    openAll(server, http, timers, callbacks, n).forEach(SenteClient::close);
  }

  private static List<SenteClient> openAll(
      MiniWebSocketServer server,
      HttpClient http,
      Scheduler timers,
      ThreadPoolExecutor callbacks,
      int n)
      throws Exception {
    List<SenteClient> clients = new ArrayList<>();
    List<CompletableFuture<ClientState.Open>> opened = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SenteClient client =
          SenteClient.builder(server.endpoint())
              .transport(Transport.WEBSOCKET)
              .httpClient(http)
              .scheduler(timers)
              .callbackExecutor(callbacks)
              .build();
      clients.add(client);
      opened.add(client.connect().toCompletableFuture());
    }
    CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return clients;
  }

  private static ThreadPoolExecutor fixedPool(int n) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    pool.prestartAllCoreThreads();
    return pool;
  }

  private static int threadCount() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
