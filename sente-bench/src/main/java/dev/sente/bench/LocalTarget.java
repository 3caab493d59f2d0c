package dev.sente.bench;

import dev.sente.bench.server.BenchServer;
import dev.sente.bench.server.Pushed;
import dev.sente.bench.server.ServerMain;
import java.util.Map;

/**
 * A Java server under test in this JVM: for the smoke run, where separate processes would only cost
 * time. CPU and memory figures then include the load generator.
 */
final class LocalTarget implements Target {
  private final String system;
  private final BenchServer server;

  LocalTarget(String system) {
    this(system, BenchServer.start(system, 0));
  }

  /** A server started already, as the system named. */
  LocalTarget(String system, BenchServer server) {
    this.system = system;
    this.server = server;
  }

  @Override
  public String system() {
    return system;
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public Pushed push(int first, int users, long intervalMicros, long durationMillis) {
    return server.push(first, users, intervalMicros, durationMillis);
  }

  @Override
  public Map<String, Long> nodeCounters() {
    return server.counters();
  }

  @Override
  public long heapAfterGc() {
    return ServerMain.heapAfterGc();
  }

  @Override
  public void close() {
    server.close();
  }
}
