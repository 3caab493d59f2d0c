package dev.sente.client;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a reconnect recovered of the server's pushes, when the server grants the resume extension
 * (docs/protocol.md, "Extensions / Resume"). {@link ClientState.Open#recovery()} carries it, and
 * handlers of {@code chsk/recovery} get it as data {@code {"recovered":true}} or {@code
 * {"recovered":false,"gap":n}} ({@code n} null when unknown).
 *
 * <p>Reported only when the server said so: a server that does not grant resume (every Clojure
 * Sente server, and ours today) makes no report at all, and the first open of a client reports
 * nothing (there was nothing to recover).
 */
public sealed interface Recovery permits Recovery.Recovered, Recovery.Gap {

  /** The local event id of the report, {@code chsk/recovery}. */
  String EVENT_ID = "chsk/recovery";

  /** True for {@link Recovered}. */
  default boolean recovered() {
    return this instanceof Recovered;
  }

  /**
   * The server had every event the client had not seen yet, and sends them (or has sent them) in
   * order before any newer push: nothing was lost.
   */
  record Recovered() implements Recovery {}

  /**
   * Events were lost: the server said it could not send everything after the client's cursor, at a
   * reconnect or inside a session. The application should fetch its state again.
   *
   * @param missed how many events were lost, when the server knows; empty when it does not (another
   *     stream epoch, a cursor it cannot read)
   */
  record Gap(OptionalLong missed) implements Recovery {
    /** Checks that the count is present or empty, never null. */
    public Gap {
      Objects.requireNonNull(missed, "missed");
    }
  }
}
