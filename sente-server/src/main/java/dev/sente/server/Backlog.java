package dev.sente.server;

/**
 * What waits in a server's per-client queues at one moment ({@link SenteServer#backlog()}): for
 * monitoring, and for tests of the bounds {@link SenteServer.Builder#maxQueuedBytes} and {@link
 * SenteServer.Builder#maxInboundEvents}.
 *
 * @param outboundBytes bytes held for clients, over all of them: WebSocket frames queued or being
 *     written, and events kept for clients without a socket or poll (their packed size)
 * @param largestOutboundBytes the most of them for one client (each of the two parts stays within
 *     {@code maxQueuedBytes}, unless one frame or event alone is larger)
 * @param inboundEvents client events waiting for their handlers, over all clients (a running
 *     handler's event not counted)
 * @param largestInboundEvents the most of them for one client (at most {@code maxInboundEvents},
 *     plus one per socket the client opened while its queue was full)
 */
public record Backlog(
    long outboundBytes, long largestOutboundBytes, int inboundEvents, int largestInboundEvents) {}
