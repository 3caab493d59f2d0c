package dev.sente.bench;

import dev.sente.bench.load.Load;
import dev.sente.bench.server.Pushed;
import java.io.IOException;

/** A running server under test, as the harness drives it. */
interface Target extends AutoCloseable {

  /** The system: {@code sente}, {@code socketio} or {@code jetty}. */
  String system();

  /** The protocol the load generator speaks to it. */
  default Load.Dialect dialect() {
    return switch (system()) {
      case "sente" -> Load.Dialect.SENTE;
      case "socketio" -> Load.Dialect.SOCKETIO;
      default -> Load.Dialect.RAW;
    };
  }

  int port();

  /** The process to read CPU time and memory of (this JVM's own when in-process). */
  long pid();

  /** Runs the server's push loop to users u(first) ..; returns when it ended. */
  Pushed push(int first, int users, long intervalMicros, long durationMillis) throws IOException;

  /** The server's heap in use after a full collection, in bytes. */
  long heapAfterGc() throws IOException;

  @Override
  void close();
}
