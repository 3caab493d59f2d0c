package dev.sente.bench;

import java.util.Locale;

/**
 * One workload at one size; push workloads also carry the rate the server's push loop offers
 * (messages per second over all users; 0 means the plan's default).
 */
record Scenario(Kind kind, int connections, long rate) {

  Scenario(Kind kind, int connections) {
    this(kind, connections, 0);
  }

  /** The workloads measured, as docs/benchmarks.md reports them. */
  enum Kind {
    WS_RR("request/reply", "WebSocket", "round trips/s"),
    WS_PUSH("push fan-out", "WebSocket", "delivered/s"),
    AJAX_RR("request/reply", "Ajax long-poll", "round trips/s"),
    AJAX_PUSH("push fan-out", "Ajax long-poll", "delivered/s"),
    IDLE("idle connections", "WebSocket", "held");

    final String workload;
    final String transport;
    final String unit;

    Kind(String workload, String transport, String unit) {
      this.workload = workload;
      this.transport = transport;
      this.unit = unit;
    }

    boolean isPush() {
      return this == WS_PUSH || this == AJAX_PUSH;
    }

    boolean isWebSocket() {
      return this == WS_RR || this == WS_PUSH || this == IDLE;
    }
  }

  /** Parses {@code ws-rr:1000}, {@code ws-push:1000@20000}, {@code idle:19000}. */
  static Scenario parse(String text) {
    String[] parts = text.split("[:@]");
    Kind kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT).replace('-', '_'));
    long rate = parts.length > 2 ? Long.parseLong(parts[2].replace("_", "")) : 0;
    return new Scenario(kind, Integer.parseInt(parts[1].replace("_", "")), rate);
  }

  String label() {
    String label =
        kind.workload
            + ", "
            + kind.transport
            + ", "
            + String.format(Locale.ROOT, "%,d", connections);
    return rate > 0 ? label + String.format(Locale.ROOT, " (offered %,d/s)", rate) : label;
  }

  String id() {
    String id = kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + connections;
    return rate > 0 ? id + "@" + rate : id;
  }
}
