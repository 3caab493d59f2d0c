package dev.sente.jetty.abuse;

import dev.sente.testkit.abuse.AbandonedPollsHeapAbuse;

/** Abandoned long-polls against the embedded Jetty in a JVM of its own, with a small heap. */
class JettyAbandonedPollsHeapTest extends AbandonedPollsHeapAbuse {
  @Override
  protected Class<?> serverMain() {
    return PollServerMain.class;
  }
}
