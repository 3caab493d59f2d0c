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
 * @param redisCpuMillis a cluster's redis-server's CPU time in the window (-1: no Redis)
 * @param redisCommands commands Redis ran in the window, those inside scripts included (-1: no
 *     Redis)
 * @param redisScripts script calls ({@code EVALSHA} and the like) in the window (-1: no Redis)
 * @param redisFailed commands Redis failed or rejected in the window (-1: no Redis)
 * @param health how the system stood after the scenario (a cluster: its nodes up), or ""
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
    double rssTotalPerConnection,
    double redisCpuMillis,
    long redisCommands,
    long redisScripts,
    long redisFailed,
    String health) {

  /** A result with no Redis in it. */
  Result(
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
    this(
        system,
        scenario,
        opened,
        perSecond,
        p50,
        p99,
        p999,
        count,
        expected,
        offeredPerSecond,
        wallMillis,
        serverCpuMillis,
        generatorCpuMillis,
        errors,
        heapPerConnection,
        rssPerConnection,
        rssTotalPerConnection,
        -1,
        -1,
        -1,
        -1,
        "");
  }

  /** The same result with a cluster's Redis figures and health. */
  Result withRedis(double cpuMillis, long commands, long scripts, long failed, String health) {
    return new Result(
        system,
        scenario,
        opened,
        perSecond,
        p50,
        p99,
        p999,
        count,
        expected,
        offeredPerSecond,
        wallMillis,
        serverCpuMillis,
        generatorCpuMillis,
        errors,
        heapPerConnection,
        rssPerConnection,
        rssTotalPerConnection,
        cpuMillis,
        commands,
        scripts,
        failed,
        health);
  }

  /** Redis CPU milliseconds per 1,000 delivered messages (-1: no Redis or nothing delivered). */
  double redisCpuMillisPerThousand() {
    return redisCpuMillis < 0 || count <= 0 ? -1 : redisCpuMillis * 1000.0 / count;
  }

  /** Redis commands per 1,000 delivered messages (-1: no Redis or nothing delivered). */
  double redisCommandsPerThousand() {
    return redisCommands < 0 || count <= 0 ? -1 : redisCommands * 1000.0 / count;
  }

  /** Redis script calls per 1,000 delivered messages (-1: no Redis or nothing delivered). */
  double redisScriptsPerThousand() {
    return redisScripts < 0 || count <= 0 ? -1 : redisScripts * 1000.0 / count;
  }

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
