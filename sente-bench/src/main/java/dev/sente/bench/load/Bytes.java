package dev.sente.bench.load;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers of the lean client: it scans frames instead of parsing them into objects. */
final class Bytes {
  private Bytes() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** True when the bytes at offset start with the prefix. */
  static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The index of the needle in data[from, end), or -1. */
  static int indexOf(byte[] data, int from, int end, byte[] needle) {
    outer:
    for (int i = from; i <= end - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The index of the byte in data[from, end), or -1. */
  static int indexOf(byte[] data, int from, int end, byte b) {
    for (int i = from; i < end; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Reads the decimal number starting at offset (digits only). */
  static long parseLong(byte[] data, int offset, int end) {
    long value = 0;
    for (int i = offset; i < end; i++) {
      int d = data[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      value = value * 10 + d;
    }
    return value;
  }

  /** Counts how often the needle occurs in data[from, end) and passes each following number. */
  static int forEachNumberAfter(
      byte[] data, int from, int end, byte[] needle, java.util.function.LongConsumer consumer) {
    int count = 0;
    int i = from;
    while (true) {
      int at = indexOf(data, i, end, needle);
      if (at < 0) {
        return count;
      }
      int start = at + needle.length;
      consumer.accept(parseLong(data, start, end));
      count++;
      i = start;
    }
  }
}
