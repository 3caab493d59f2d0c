package dev.sente.client;

/**
 * How a {@link SenteClient} talks to the server.
 *
 * <pre>{@code
 * SenteClient client = SenteClient.builder("https://app.example/chsk")
 *     .transport(Transport.AJAX)   // long-polling only, e.g. behind a proxy without WebSockets
 *     .build();
 * }</pre>
 */
public enum Transport {
  /**
   * WebSocket first; when the WebSocket fails before its first handshake (the upgrade is refused or
   * answered with an error), fall back to Ajax long-polling, and while on Ajax try the WebSocket
   * again in the background (see {@link SenteClientBuilder#upgradeRetryInterval}). The default.
   */
  AUTO,

  /** WebSocket only. */
  WEBSOCKET,

  /** Ajax long-polling only: a held GET for server pushes, one POST per client event. */
  AJAX
}
