package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One packer shared by several threads writes and reads exactly what one thread does. */
class TransitConcurrencyTest {

  record Line(String text, int n) {}

  @Test
  void oneSharedPackerGivesTheSameResultsOnManyThreads() throws Exception {
    TransitPacker packer = TransitPacker.create();
    Protocol protocol = Protocol.of(packer);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      values.add(List.of(Event.of("chat/msg" + (i % 7), new Line("t" + i, i))));
    }
    List<String> expected = new ArrayList<>();
    for (Object v : values) {
      @SuppressWarnings("unchecked")
      List<Event> events = (List<Event>) v;
      expected.add(((Packed.Text) protocol.push(events)).text());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        Callable<Boolean> task =
            () -> {
              for (int round = 0; round < 5; round++) {
                for (int k = 0; k < values.size(); k++) {
                  int i = (k + offset * 37) % values.size();
                  @SuppressWarnings("unchecked")
                  List<Event> events = (List<Event>) values.get(i);
                  Packed packed = protocol.push(events);
                  if (!((Packed.Text) packed).text().equals(expected.get(i))) {
                    return false;
                  }
                  List<Event> back = protocol.readPush(protocol.read(packed).payload());
                  Line line = packer.convert(back.get(0).data(), Line.class);
                  if (!line.equals(events.get(0).data())) {
                    return false;
                  }
                }
              }
              return true;
            };
        results.add(pool.submit(task));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
