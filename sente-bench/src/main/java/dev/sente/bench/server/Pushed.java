package dev.sente.bench.server;

/**
 * The outcome of a server's push loop: how many messages it handed to its library and when it
 * started and ended (System.nanoTime(), which on Linux is the same clock in every process).
 *
 * <pre>{@code
 * Pushed p = server.push(0, 1000, 5_000, 4_000);
 * double offeredPerSecond = p.count() / ((p.endNanos() - p.startNanos()) / 1e9);
 * }</pre>
 */
public record Pushed(long count, long startNanos, long endNanos) {}
