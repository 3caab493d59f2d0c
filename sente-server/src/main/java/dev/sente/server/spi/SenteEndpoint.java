package dev.sente.server.spi;

/**
 * The engine's side of the adapter SPI: an adapter passes every request for {@link #path()} to
 * {@link #handle}. Obtained from {@code SenteServer.endpoint()}.
 *
 * <pre>{@code
 * // inside an adapter's request handler
 * if (request.path().equals(endpoint.path())) endpoint.handle(new MyExchange(request, response));
 * }</pre>
 */
public interface SenteEndpoint {

  /** The endpoint path, {@code /chsk} by default. */
  String path();

  /** The largest WebSocket message or HTTP body accepted, in bytes. */
  long maxMessageBytes();

  /**
   * The long-polls held now: taken by {@link HttpExchange#hold()} and not yet completed or gone. At
   * most {@code SenteConfig.maxHeldPolls()}; for monitoring, and for tests that check an adapter
   * reports the polls whose clients went away.
   */
  int heldPolls();

  /**
   * Handles one exchange. Returns quickly: any waiting (body, long-poll, socket) is asynchronous.
   * Never throws; an internal failure is answered 500 and logged.
   */
  void handle(HttpExchange exchange);
}
