package dev.sente.client;

/**
 * A handle on a registered listener; {@link #close()} removes it.
 *
 * <pre>{@code
 * try (Registration r = client.onState(state -> log.info("{}", state))) {
 *   ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {
  /** Removes the listener; calling it again does nothing. */
  @Override
  void close();
}
