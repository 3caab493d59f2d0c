package dev.sente.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.redis.RedisServer;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that wants a password (the cluster's URI carries it, and a wrong one fails the build),
 * and one that speaks TLS only ({@code rediss://}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterAuthTest {
  @RegisterExtension final Closer closer = new Closer();

  private SenteServer node(URI redis) {
    return closer.add(
        SenteServer.builder()
            .userId(request -> request.cookie("user"))
            .cluster(RedisCluster.create(redis, "auth"))
            .build());
  }

  @Test
  void theUriCarriesThePasswordAndAWrongOneFailsTheBuildSayingWhy() throws Exception {
    RedisServer redis = closer.add(RedisServer.start());
    assertThat(redis.command("CONFIG", "SET", "requirepass", "s3cret")).isEqualTo("OK");
    URI good = URI.create("redis://:s3cret@127.0.0.1:" + redis.port());
    URI bad = URI.create("redis://:wrong@127.0.0.1:" + redis.port());

    assertThatThrownBy(() -> node(bad)).rootCause().hasMessageContaining("WRONGPASS");

    pushCrossesNodes(node(good), node(good));
  }

  /** A push made on {@code two} reaches alice's client on {@code one}: all 20, in order. */
  private void pushCrossesNodes(SenteServer one, SenteServer two) throws Exception {
    JettyServer jetty = closer.add(SenteJetty.server(one).host("127.0.0.1").port(0).start());
    SenteClient alice =
        closer.add(
            SenteClient.builder(URI.create("http://127.0.0.1:" + jetty.port() + "/chsk"))
                .transport(Transport.WEBSOCKET)
                .cookie("user", "alice")
                .build());
    DeliveryCounter counter = DeliveryCounter.onClient(alice, "test/n");
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> one.connectedUsers().any().contains("alice"));
    for (long seq = 1; seq <= 20; seq++) {
      two.send("alice", "test/n", DeliveryCounter.numbered(seq));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counter.distinct() == 20);
    assertThat(counter.report(20).perfect()).as(counter.report(20).toString()).isTrue();
  }

  @Test
  void aRedisThatSpeaksTlsOnlyIsReachedThroughARedissUri() throws Exception {
    Path dir = Files.createTempDirectory("sente-tls");
    Path keystore = dir.resolve("redis.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "redis",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String keytoolOut = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(keytoolOut).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    Path cert = dir.resolve("redis.crt");
    Path key = dir.resolve("redis.key");
    Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("redis").getEncoded()));
    Files.writeString(
        key, pem("PRIVATE KEY", store.getKey("redis", "changeit".toCharArray()).getEncoded()));

    RedisServer redis = closer.add(RedisServer.start());
    int tlsPort;
    try (ServerSocket free = new ServerSocket(0)) {
      tlsPort = free.getLocalPort();
    }
    assertThat(
            redis.command(
                "CONFIG", "SET",
                "tls-cert-file", cert.toString(),
                "tls-key-file", key.toString(),
                "tls-ca-cert-file", cert.toString(),
                "tls-auth-clients", "no"))
        .isEqualTo("OK");
    assertThat(redis.command("CONFIG", "SET", "tls-port", Integer.toString(tlsPort)))
        .isEqualTo("OK");
    assertThat(redis.command("CONFIG", "SET", "port", "0")).as("TLS only now").isEqualTo("OK");

    // a self-signed certificate: not verified here (a real one is checked against the JVM's
    // trust store, Lettuce's default)
    URI tls = URI.create("rediss://127.0.0.1:" + tlsPort + "?verifyPeer=NONE");
    assertThatThrownBy(() -> node(URI.create("redis://127.0.0.1:" + redis.port())))
        .as("the plain port is closed")
        .isInstanceOf(RuntimeException.class);
    pushCrossesNodes(node(tls), node(tls));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
