package dev.sente.jetty.adapter;

import dev.sente.core.Packed;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Records what the adapter tells the engine about one WebSocket, in order. */
final class RecordingListener implements WebSocketListener {

  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Packed> messages = new CopyOnWriteArrayList<>();
  final AtomicInteger closes = new AtomicInteger();
  final AtomicInteger concurrent = new AtomicInteger();
  volatile boolean overlapped;
  volatile WebSocketChannel channel;
  private final BiConsumer<WebSocketChannel, Packed> onMessage;

  RecordingListener(BiConsumer<WebSocketChannel, Packed> onMessage) {
    this.onMessage = onMessage;
  }

  RecordingListener() {
    this((channel, message) -> {});
  }

  @Override
  public void onOpen(WebSocketChannel channel) {
    this.channel = channel;
    events.add("open");
  }

  @Override
  public void onMessage(Packed message) {
    if (concurrent.incrementAndGet() > 1) {
      overlapped = true;
    }
    try {
      messages.add(message);
      events.add(message instanceof Packed.Text ? "text" : "binary");
      onMessage.accept(channel, message);
    } finally {
      concurrent.decrementAndGet();
    }
  }

  @Override
  public void onClose(int code, String reason) {
    closes.incrementAndGet();
    events.add("close " + code);
  }

  @Override
  public void onError(Throwable cause) {
    events.add("error " + cause.getClass().getSimpleName());
  }
}
