package dev.sente.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Origins ({@code scheme://host[:port]}) in one normal form, so that two spellings of the same
 * origin compare equal: scheme and host in lower case, one trailing dot of the host dropped, the
 * default port (80 for {@code http}/{@code ws}, 443 for {@code https}/{@code wss}) written as no
 * port, a port without leading zeros, an IPv6 literal in brackets in its canonical text (RFC 5952:
 * lower-case hex, no leading zeros, the longest run of zero groups as {@code ::}). Anything else,
 * such as a path, user info, a zone id or {@code null}, is not an origin.
 *
 * <p>Not part of the API: the engine and {@link dev.sente.server.OriginPolicy} use it.
 */
public final class Origins {

  /** The syntax named in every error message. */
  public static final String SYNTAX = "scheme://host[:port]";

  private Origins() {}

  /**
   * The normal form of a configured origin, such as an {@code allowedOrigins(..)} entry.
   *
   * @param option the option's name, for the message
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static String normaliseConfigured(String origin, String option) {
    if (origin == null) {
      throw new IllegalArgumentException(option + ": an origin is null");
    }
    try {
      return parse(origin).toString();
    } catch (Malformed e) {
      throw new IllegalArgumentException(
          option
              + ": \""
              + origin
              + "\" is not an origin ("
              + SYNTAX
              + ", such as https://app.example): "
              + e.getMessage());
    }
  }

  /** The normal form of an {@code Origin} header; empty when it is not an origin ({@code null}). */
  public static Optional<String> ofHeader(String origin) {
    try {
      return Optional.of(parse(origin).toString());
    } catch (Malformed e) {
      return Optional.empty();
    }
  }

  /**
   * The origin of a {@code Referer}: its scheme and authority, the path, query and fragment cut
   * off. Empty when the Referer is not an absolute URL with an authority, or has user info.
   */
  public static Optional<String> ofReferer(String referer) {
    int sep = referer.indexOf("://");
    if (sep <= 0) {
      return Optional.empty();
    }
    int end = sep + 3;
    while (end < referer.length() && "/?#".indexOf(referer.charAt(end)) < 0) {
      end++;
    }
    return ofHeader(referer.substring(0, end));
  }

  /** The origin a request names with its scheme and {@code Host} header, in normal form. */
  public static Optional<String> ofHost(String scheme, String host) {
    return ofHeader(scheme + "://" + host);
  }

  /**
   * The normal form of a {@code Host} header ({@code host[:port]}, the port as given, since the
   * header has no scheme); empty when malformed.
   */
  public static Optional<String> hostHeader(String host) {
    try {
      Authority authority = authority(host);
      return Optional.of(authority.host + (authority.port < 0 ? "" : ":" + authority.port));
    } catch (Malformed e) {
      return Optional.empty();
    }
  }

  /**
   * The normalised {@code Host} headers under which a browser reaches an origin: {@code host:port}
   * and, when the port is the scheme's default, {@code host} alone. (Behind a TLS-terminating proxy
   * the server may see {@code http} while the browser used {@code https}, so a Host without a port
   * is taken as either default port.)
   *
   * @param origin an origin in normal form
   */
  public static Set<String> hostHeadersOf(String origin) {
    Origin o = parse(origin);
    Set<String> hosts = new LinkedHashSet<>();
    if (o.port < 0) {
      hosts.add(o.host);
      int port = defaultPort(o.scheme);
      if (port > 0) {
        hosts.add(o.host + ":" + port);
      }
    } else {
      hosts.add(o.host + ":" + o.port);
    }
    return hosts;
  }

  /** The scheme of an origin in normal form. */
  public static String schemeOf(String origin) {
    return origin.substring(0, origin.indexOf("://"));
  }

  private record Origin(String scheme, String host, int port) {
    @Override
    public String toString() {
      return scheme + "://" + host + (port < 0 ? "" : ":" + port);
    }
  }

  private record Authority(String host, int port) {}

  private static Origin parse(String text) {
    if (text.equals("null")) {
      throw new Malformed("an opaque origin (a sandboxed or file: page) is never allowed");
    }
    int sep = text.indexOf("://");
    if (sep < 0) {
      throw new Malformed("no scheme");
    }
    String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!validScheme(scheme)) {
      throw new Malformed("no valid scheme");
    }
    String rest = text.substring(sep + 3);
    for (int i = 0; i < rest.length(); i++) {
      if ("/?#".indexOf(rest.charAt(i)) >= 0) {
        throw new Malformed("an origin has no path, query or fragment");
      }
    }
    Authority authority = authority(rest);
    int port = authority.port == defaultPort(scheme) ? -1 : authority.port;
    return new Origin(scheme, authority.host, port);
  }

  private static Authority authority(String text) {
    if (text.isEmpty()) {
      throw new Malformed("no host");
    }
    String host;
    String afterHost;
    if (text.charAt(0) == '[') {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new Malformed("an IPv6 address without its closing ]");
      }
      host = "[" + ipv6(text.substring(1, close)) + "]";
      afterHost = text.substring(close + 1);
    } else {
      int colon = text.indexOf(':');
      String name = colon < 0 ? text : text.substring(0, colon);
      afterHost = colon < 0 ? "" : text.substring(colon);
      host = hostName(name);
    }
    if (afterHost.isEmpty()) {
      return new Authority(host, -1);
    }
    if (afterHost.charAt(0) != ':') {
      throw new Malformed("unexpected text after the host");
    }
    return new Authority(host, port(afterHost.substring(1)));
  }

  private static String hostName(String name) {
    if (name.isEmpty()) {
      throw new Malformed("no host");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (!ok) {
        throw new Malformed(
            c == '@' ? "an origin has no user info" : "a character not allowed in a host name");
      }
    }
    String lower = name.toLowerCase(Locale.ROOT);
    String host = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    if (host.isEmpty()) {
      throw new Malformed("no host");
    }
    return host;
  }

  private static int port(String digits) {
    if (digits.isEmpty() || digits.length() > 5) {
      throw new Malformed("the port must be 1 to 65535");
    }
    int port = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new Malformed("the port must be 1 to 65535");
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) {
      throw new Malformed("the port must be 1 to 65535");
    }
    return port;
  }

  private static boolean validScheme(String scheme) {
    if (scheme.isEmpty() || scheme.charAt(0) < 'a' || scheme.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -1;
    };
  }

  /** The canonical text of an IPv6 address (without brackets); no zone id. */
  private static String ipv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      throw new Malformed("an IPv6 address with two ::");
    }
    List<Integer> head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
    List<Integer> tail = gap < 0 ? List.of() : groups(text.substring(gap + 2), false);
    if (gap >= 0 && text.substring(0, gap).indexOf('.') >= 0) {
      throw new Malformed("an IPv4 part may only end an IPv6 address");
    }
    int missing = 8 - head.size() - tail.size();
    if (gap < 0 ? missing != 0 : missing < 1) {
      throw new Malformed("an IPv6 address without 8 groups");
    }
    int[] groups = new int[8];
    for (int i = 0; i < head.size(); i++) {
      groups[i] = head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      groups[8 - tail.size() + i] = tail.get(i);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  /**
   * The 16-bit groups of one side of an IPv6 address; a dotted IPv4 may end it. Empty only beside a
   * {@code ::} ({@code whole} false).
   */
  private static List<Integer> groups(String part, boolean whole) {
    List<Integer> groups = new ArrayList<>();
    if (part.isEmpty()) {
      if (whole) {
        throw new Malformed("an empty IPv6 address");
      }
      return groups;
    }
    String[] pieces = part.split(":", -1);
    for (int i = 0; i < pieces.length; i++) {
      String piece = pieces[i];
      if (i == pieces.length - 1 && piece.indexOf('.') >= 0) {
        int v4 = ipv4(piece);
        groups.add(v4 >>> 16);
        groups.add(v4 & 0xffff);
      } else {
        groups.add(hexGroup(piece));
      }
    }
    return groups;
  }

  private static int hexGroup(String piece) {
    if (piece.isEmpty() || piece.length() > 4) {
      throw new Malformed("an IPv6 group must be 1 to 4 hex digits");
    }
    int value = 0;
    for (int i = 0; i < piece.length(); i++) {
      int digit = Character.digit(piece.charAt(i), 16);
      if (digit < 0 || piece.charAt(i) > 'f') {
        throw new Malformed("an IPv6 group must be 1 to 4 hex digits");
      }
      value = value * 16 + digit;
    }
    return value;
  }

  private static int ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new Malformed("an IPv4 address must have 4 parts");
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3) {
        throw new Malformed("an IPv4 part must be 0 to 255");
      }
      int n = 0;
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c < '0' || c > '9') {
          throw new Malformed("an IPv4 part must be 0 to 255");
        }
        n = n * 10 + (c - '0');
      }
      if (n > 255) {
        throw new Malformed("an IPv4 part must be 0 to 255");
      }
      value = (value << 8) | n;
    }
    return value;
  }

  /** Why a text is not an origin; never leaves this class. */
  private static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
