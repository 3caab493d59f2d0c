package dev.sente.servlet.abuse;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.SlowReaderAbuse;
import dev.sente.testkit.conformance.RunningServer;

class TomcatSlowReaderAbuseTest extends SlowReaderAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }

  /** Tomcat reports a write done from its own pool, so later pushes may share the next frame. */
  @Override
  protected long beingWritten(long bound, int pushBytes) {
    return bound + pushBytes + 64;
  }
}
