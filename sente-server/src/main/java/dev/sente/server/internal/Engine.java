package dev.sente.server.internal;

import dev.sente.server.SenteConfig;
import dev.sente.server.SenteServer;

/** The server engine (being written). */
public final class Engine {
  private Engine() {}

  /** Creates the engine. */
  public static SenteServer create(SenteConfig config) {
    throw new UnsupportedOperationException("not yet");
  }
}
