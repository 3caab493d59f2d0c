package dev.sente.jetty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.ClientState;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.core.time.Scheduler;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 2,000 clients in one JVM against one server share one HTTP client, one scheduler and one
 * executor; when they are closed the JVM's threads (outside the server's own pool) are back to
 * where they started.
 */
class ThousandsOfClientsTest {

  private static final int CLIENTS = 2_000;

  @Test
  void twoThousandClientsShareTheHeavyPartsAndLeaveNoThreadBehind() throws Exception {
    ThreadPoolExecutor serverHandlers = fixedPool(2);
    ThreadPoolExecutor httpThreads = fixedPool(2);
    ThreadPoolExecutor callbacks = fixedPool(2);
    HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
    Scheduler timers = Scheduler.system("shared-client-timers");
    timers.schedule(0, () -> {});
    SenteServer sente =
        SenteServer.builder()
            .userId(request -> request.queryParam("user"))
            .handlerExecutor(serverHandlers)
            .build();
    try (JettyServer jetty = SenteJetty.serve(sente, 0)) {
      URI endpoint = jetty.uri().resolve("/chsk");
      openAll(endpoint, http, timers, callbacks, 5).forEach(SenteClient::close); // warm-up
      await().atMost(Duration.ofSeconds(30)).until(() -> sente.connectedUsers().any().isEmpty());
      int baseline = clientSideThreads();

      List<SenteClient> clients = openAll(endpoint, http, timers, callbacks, CLIENTS);
      assertThat(clients).allMatch(c -> c.state().isOpen());
      assertThat(clientSideThreads()).isLessThanOrEqualTo(baseline);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sente.connectedUsers().any().size() == CLIENTS);

      clients.forEach(SenteClient::close);

      assertThat(clients).allMatch(c -> !c.state().isOpen());
      await()
          .pollInSameThread() // Awaitility's own thread would count
          .atMost(Duration.ofSeconds(30))
          .until(() -> clientSideThreads() <= baseline);
      await().atMost(Duration.ofSeconds(30)).until(() -> sente.connectedUsers().any().isEmpty());
    } finally {
      timers.close();
      callbacks.shutdown();
      httpThreads.shutdown();
      serverHandlers.shutdown();
    }
  }

  private static List<SenteClient> openAll(
      URI endpoint, HttpClient http, Scheduler timers, ThreadPoolExecutor callbacks, int n)
      throws Exception {
    List<SenteClient> clients = new ArrayList<>(n);
    List<CompletableFuture<ClientState.Open>> opened = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SenteClient client =
          SenteClient.builder(endpoint)
              .transport(Transport.WEBSOCKET)
              .param("user", "u" + i)
              .connectTimeout(Duration.ofSeconds(30))
              .httpClient(http)
              .scheduler(timers)
              .callbackExecutor(callbacks)
              .build();
      clients.add(client);
      opened.add(client.connect().toCompletableFuture());
    }
    CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    return clients;
  }

  /** Live threads outside Jetty's pool (which grows under load and shrinks when idle). */
  private static int clientSideThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> !t.getName().startsWith("sente-jetty"))
            .count();
  }

  private static ThreadPoolExecutor fixedPool(int n) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    pool.prestartAllCoreThreads();
    return pool;
  }
}
