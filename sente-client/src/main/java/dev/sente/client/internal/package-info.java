/**
 * The client's implementation; not an API. {@link dev.sente.client.internal.ClientCore} is the
 * client, {@code Connection} its state machine over one {@code Session} per connection attempt
 * ({@code WebSocketSession}, {@code AjaxSession}), and {@link dev.sente.client.internal.Wire} the
 * network under them ({@link dev.sente.client.internal.JdkWire} on {@code java.net.http}; tests
 * script a fake one).
 */
package dev.sente.client.internal;
