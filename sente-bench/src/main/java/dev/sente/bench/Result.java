package dev.sente.bench;

/**
 * One scenario's figures for one system. Latencies in microseconds; CPU in milliseconds over the
 * measured wall time; memory per connection in bytes (idle only, else -1).
 *
 * @param opened clients whose protocol handshake completed
 * @param perSecond round trips or delivered messages per second (idle: connections held)
 * @param count round trips or deliveries measured (idle: connections still open at the end)
 * @param expected messages the server's push loop sent (push only, else -1)
 * @param offeredPerSecond the push loop's rate (push only)
 * @param wallMillis the measured window
 * @param serverCpuMillis the server process's CPU time in the window
 * @param generatorCpuMillis the load generator's CPU time in the window
 */
record Result(
    String system,
    Scenario scenario,
    int opened,
    double perSecond,
    long p50,
    long p99,
    long p999,
    long count,
    long expected,
    double offeredPerSecond,
    double wallMillis,
    double serverCpuMillis,
    double generatorCpuMillis,
    long errors,
    double heapPerConnection,
    double rssPerConnection,
    double rssTotalPerConnection) {

  /** Server CPU in percent of one core over the window. */
  double serverCpuPercent() {
    return wallMillis <= 0 ? 0 : 100.0 * serverCpuMillis / wallMillis;
  }

  /** Load generator CPU in percent of one core over the window. */
  double generatorCpuPercent() {
    return wallMillis <= 0 ? 0 : 100.0 * generatorCpuMillis / wallMillis;
  }

  /** Server CPU microseconds per round trip or delivered message. */
  double serverMicrosPerMessage() {
    return count <= 0 ? 0 : serverCpuMillis * 1000.0 / count;
  }
}
