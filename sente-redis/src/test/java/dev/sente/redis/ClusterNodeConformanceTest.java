package dev.sente.redis;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.AjaxConformance;
import dev.sente.testkit.conformance.AuthorizationConformance;
import dev.sente.testkit.conformance.BadInputConformance;
import dev.sente.testkit.conformance.ConnectedUsersConformance;
import dev.sente.testkit.conformance.CsrfConformance;
import dev.sente.testkit.conformance.HandlerFailureConformance;
import dev.sente.testkit.conformance.HandshakeConformance;
import dev.sente.testkit.conformance.KeepAliveConformance;
import dev.sente.testkit.conformance.OriginConformance;
import dev.sente.testkit.conformance.PushConformance;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.SlowClientConformance;
import dev.sente.testkit.conformance.WebSocketEventConformance;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every conformance suite of the testkit on a node of a cluster (a Jetty server whose engine has a
 * {@link RedisCluster} on a real redis-server): a cluster changes nothing a client of one node can
 * see. Each server has a prefix of its own, so that the suites' users never meet.
 */
class ClusterNodeConformanceTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  private static final AtomicInteger SERVERS = new AtomicInteger();

  static RunningServer onJetty(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }

  static SenteServer.Builder inCluster(SenteServer.Builder builder) {
    return builder.cluster(
        RedisCluster.create(REDIS.server().uri(), "conformance-" + SERVERS.incrementAndGet()));
  }

  @Nested
  class Ajax extends AjaxConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class Authorization extends AuthorizationConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class BadInput extends BadInputConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class ConnectedUsers extends ConnectedUsersConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class Csrf extends CsrfConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class HandlerFailure extends HandlerFailureConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class Handshake extends HandshakeConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class KeepAlive extends KeepAliveConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class Origin extends OriginConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class Push extends PushConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class SlowClient extends SlowClientConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }

  @Nested
  class WebSocketEvent extends WebSocketEventConformance {
    @Override
    protected RunningServer start(SenteServer sente) {
      return onJetty(sente);
    }

    @Override
    protected SenteServer.Builder configure(SenteServer.Builder builder) {
      return inCluster(builder);
    }
  }
}
