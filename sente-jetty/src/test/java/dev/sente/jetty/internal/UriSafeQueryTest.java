package dev.sente.jetty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UriSafeQueryTest {

  @Test
  void charactersAUriRefusesArePercentEncoded() {
    assertThat(JettyExchange.quoteForUri("client-id=<script>")).isEqualTo("client-id=%3Cscript%3E");
    assertThat(JettyExchange.quoteForUri("a=\"q\"|{x}^`\\ "))
        .isEqualTo("a=%22q%22%7C%7Bx%7D%5E%60%5C%20");
    assertThat(JettyExchange.quoteForUri("a=%zz&b=%4")).isEqualTo("a=%25zz&b=%254");
  }

  @Test
  void whatAUriTakesIsKept() {
    String query = "client-id=c1&udt=17&handshake%3F=1&x=[a]:b/c?d;e,f+g$h!i*j'k(l)m~n_o.p-q@r";
    assertThat(JettyExchange.quoteForUri(query)).isEqualTo(query);
    assertThat(JettyExchange.quoteForUri("name=élan")).isEqualTo("name=élan");
  }

  @Test
  void everyQuotedQueryMakesAUriAndDecodesToTheSameText() {
    StringBuilder all = new StringBuilder("v=");
    for (char c = 0x21; c < 0x7f; c++) {
      if (c != '%' && c != '&' && c != '=' && c != '+' && c != '#') {
        all.append(c);
      }
    }
    all.append("é\u00a0");
    String quoted = JettyExchange.quoteForUri(all.toString());

    URI uri = URI.create("http://localhost/chsk?" + quoted);

    assertThat(URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8))
        .isEqualTo(all.toString());
  }
}
