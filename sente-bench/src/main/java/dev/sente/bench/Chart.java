package dev.sente.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * A PNG with two panels for one workload: throughput (linear) and p99 latency (log) against the
 * connection count (log), one line per system. Plain Java2D, headless.
 */
final class Chart {
  private static final int PANEL_W = 560;
  private static final int H = 420;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Map<String, Color> COLORS =
      Map.of(
          "sente",
          new Color(0x1f77b4),
          "socketio",
          new Color(0xd62728),
          "jetty",
          new Color(0x7f7f7f));

  private Chart() {}

  /** Writes the chart of one scenario kind; does nothing without at least one point. */
  static void write(Path file, String title, List<Result> results, Scenario.Kind kind)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, TreeMap<Integer, Result>> series = new TreeMap<>();
    for (Result r : results) {
      if (r.scenario().kind() == kind && r.perSecond() > 0) {
        // at one size, the run with the highest offered rate (the capacity run) is drawn
        series
            .computeIfAbsent(r.system(), s -> new TreeMap<>())
            .merge(
                r.scenario().connections(),
                r,
                (a, b) -> b.scenario().rate() > a.scenario().rate() ? b : a);
      }
    }
    if (series.isEmpty()) {
      return;
    }
    BufferedImage image = new BufferedImage(2 * PANEL_W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 2 * PANEL_W, H);
    panel(g, 0, title + ": " + kind.unit, series, true, kind);
    panel(g, PANEL_W, title + ": p99 latency (ms)", series, false, kind);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void panel(
      Graphics2D g,
      int x0,
      String title,
      Map<String, TreeMap<Integer, Result>> series,
      boolean throughput,
      Scenario.Kind kind) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (TreeMap<Integer, Result> points : series.values()) {
      for (Map.Entry<Integer, Result> p : points.entrySet()) {
        xs.add((double) p.getKey());
        ys.add(value(p.getValue(), throughput));
      }
    }
    double xMin = Math.pow(10, Math.floor(Math.log10(min(xs))));
    double xMax = Math.pow(10, Math.ceil(Math.log10(max(xs))));
    if (xMax <= xMin) {
      xMax = xMin * 10;
    }
    // throughput on a linear axis from zero, latency on a log axis
    boolean log = !throughput;
    double yMin;
    double yMax;
    double yStep;
    if (log) {
      yMin = Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, min(ys)))));
      yMax = Math.pow(10, Math.ceil(Math.log10(Math.max(1e-3, max(ys)))));
      if (yMax <= yMin) {
        yMax = yMin * 10;
      }
      yStep = 10;
    } else {
      yMin = 0;
      yStep = niceStep(max(ys) / 5);
      yMax = Math.ceil(max(ys) / yStep) * yStep;
    }
    int left = x0 + LEFT;
    int right = x0 + PANEL_W - RIGHT;
    int top = TOP;
    int bottom = H - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    g.drawString(title, left, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double d = yMin; d <= yMax * 1.0001; d = log ? d * yStep : d + yStep) {
      int y = yPixel(d, yMin, yMax, log, bottom, top);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      String label = format(d);
      g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    for (double d = xMin; d <= xMax * 1.0001; d *= 10) {
      int x = scale(Math.log10(d), Math.log10(xMin), Math.log10(xMax), left, right);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x, top, x, bottom);
      g.setColor(Color.DARK_GRAY);
      String label = format(d);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 16);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    g.drawString("connections (" + kind.transport + ")", (left + right) / 2 - 50, bottom + 36);
    int legendY = top + 16;
    for (Map.Entry<String, TreeMap<Integer, Result>> s : series.entrySet()) {
      Color color = COLORS.getOrDefault(s.getKey(), Color.BLACK);
      g.setColor(color);
      g.setStroke(new BasicStroke(2.5f));
      int px = -1;
      int py = -1;
      for (Map.Entry<Integer, Result> p : s.getValue().entrySet()) {
        int x = scale(Math.log10(p.getKey()), Math.log10(xMin), Math.log10(xMax), left, right);
        double v = Math.max(yMin, value(p.getValue(), throughput));
        int y = yPixel(v, yMin, yMax, log, bottom, top);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.setStroke(new BasicStroke(1f));
      g.fillRect(right - 110, legendY - 8, 14, 8);
      g.setColor(Color.BLACK);
      g.drawString(s.getKey(), right - 90, legendY);
      legendY += 16;
    }
  }

  private static int yPixel(double v, double min, double max, boolean log, int from, int to) {
    return log
        ? scale(Math.log10(v), Math.log10(min), Math.log10(max), from, to)
        : scale(v, min, max, from, to);
  }

  /** 1, 2 or 5 times a power of ten, at least the raw step. */
  private static double niceStep(double raw) {
    double power = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= raw) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static double value(Result r, boolean throughput) {
    return throughput ? r.perSecond() : r.p99() / 1000.0;
  }

  private static int scale(double v, double min, double max, int from, int to) {
    return (int) Math.round(from + (v - min) / (max - min) * (to - from));
  }

  private static String format(double d) {
    if (d >= 1_000_000) {
      return String.format(Locale.ROOT, d % 1_000_000 == 0 ? "%.0fM" : "%.1fM", d / 1_000_000);
    }
    if (d >= 1_000) {
      return String.format(Locale.ROOT, "%.0fk", d / 1_000);
    }
    if (d == 0) {
      return "0";
    }
    return d >= 1 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.2g", d);
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(10);
  }
}
