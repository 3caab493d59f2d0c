/**
 * The Java client of Sente for Java: {@link dev.sente.client.SenteClient}, built with {@link
 * dev.sente.client.SenteClientBuilder}, talks to a Sente server over a WebSocket with Ajax
 * long-polling as the fallback, on the JDK's {@code java.net.http} and nothing else.
 *
 * <pre>{@code
 * SenteClient client = SenteClient.builder("http://localhost:8080/chsk").build();
 * client.on("chat/line", event -> System.out.println(event.data()));
 * client.connect();
 * }</pre>
 *
 * <p>Everything in {@code dev.sente.client.internal} is implementation and may change.
 */
package dev.sente.client;
