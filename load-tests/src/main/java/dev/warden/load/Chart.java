package dev.warden.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG of latency percentiles against offered rate, Warden against the floor (log latency axis),
 * and the Flink floor between them when the bench measured it.
 */
final class Chart {
  private Chart() {}

  private static final Color WARDEN = new Color(30, 90, 200);
  private static final Color FLINK_FLOOR = new Color(230, 140, 20);
  private static final Color FLOOR = new Color(120, 120, 120);

  /**
   * {@code flinkFloor} may be empty (not measured): then neither its lines nor its legend are
   * drawn.
   */
  static void write(
      Path file,
      List<BenchCommand.Step> warden,
      List<BenchCommand.Step> flinkFloor,
      List<BenchCommand.Step> floor)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int w = 960;
    int h = 540;
    int left = 80;
    int right = 30;
    int top = 50;
    int bottom = 70;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double maxRate = 1;
    for (BenchCommand.Step s : warden) {
      maxRate = Math.max(maxRate, s.rate());
    }
    for (BenchCommand.Step s : floor) {
      maxRate = Math.max(maxRate, s.rate());
    }
    for (BenchCommand.Step s : flinkFloor) {
      maxRate = Math.max(maxRate, s.rate());
    }
    // A tenth of room right of the highest rate, so its points (the only ones, with one rate) are
    // not on the border.
    double axisMax = maxRate * 1.1;
    double minLog = -1; // 0.1 ms
    double maxLog = 4; // 10 s
    int pw = w - left - right;
    int ph = h - top - bottom;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(230, 230, 230));
    for (int e = (int) minLog; e <= maxLog; e++) {
      int y = top + (int) (ph * (maxLog - e) / (maxLog - minLog));
      g.drawLine(left, y, left + pw, y);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, pw, ph);
    for (int e = (int) minLog; e <= maxLog; e++) {
      int y = top + (int) (ph * (maxLog - e) / (maxLog - minLog));
      g.drawString(e < 0 ? "0.1 ms" : (int) Math.pow(10, e) + " ms", 10, y + 4);
    }
    for (int i = 0; i <= 5; i++) {
      double r = maxRate * i / 5;
      int x = left + (int) (pw * r / axisMax);
      g.drawString(String.format("%,d/s", (long) r), x - 20, top + ph + 20);
    }
    g.drawString("offered rate (events/s)", left + pw / 2 - 60, h - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(
        flinkFloor.isEmpty()
            ? "Produce-to-verdict latency: Warden vs the plain Kafka pass-through floor (same machine, same run)"
            : "Produce-to-verdict latency: Warden, the Flink floor and the plain Kafka floor (same machine, same run)",
        left,
        30);
    int y100 = top + (int) (ph * (maxLog - 2) / (maxLog - minLog));
    g.setColor(new Color(200, 60, 60));
    g.setStroke(
        new BasicStroke(
            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
    g.drawLine(left, y100, left + pw, y100);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("p99 target 100 ms", left + pw - 120, y100 - 5);
    series(
        g, warden, true, WARDEN, new BasicStroke(2.5f), left, top, pw, ph, axisMax, minLog, maxLog);
    series(g, warden, false, WARDEN, dashed(), left, top, pw, ph, axisMax, minLog, maxLog);
    series(
        g,
        flinkFloor,
        true,
        FLINK_FLOOR,
        new BasicStroke(2.5f),
        left,
        top,
        pw,
        ph,
        axisMax,
        minLog,
        maxLog);
    series(g, flinkFloor, false, FLINK_FLOOR, dashed(), left, top, pw, ph, axisMax, minLog, maxLog);
    series(
        g, floor, true, FLOOR, new BasicStroke(2.5f), left, top, pw, ph, axisMax, minLog, maxLog);
    series(g, floor, false, FLOOR, dashed(), left, top, pw, ph, axisMax, minLog, maxLog);
    legend(g, left + 15, top + 20, !flinkFloor.isEmpty());
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
  }

  private static void series(
      Graphics2D g,
      List<BenchCommand.Step> steps,
      boolean p50,
      Color c,
      BasicStroke stroke,
      int left,
      int top,
      int pw,
      int ph,
      double maxRate,
      double minLog,
      double maxLog) {
    List<BenchCommand.Step> sorted =
        steps.stream().sorted(java.util.Comparator.comparingInt(BenchCommand.Step::rate)).toList();
    g.setColor(c);
    g.setStroke(stroke);
    int px = -1;
    int py = -1;
    for (BenchCommand.Step s : sorted) {
      double ms = Math.max(0.1, p50 ? s.p50Ms() : s.p99Ms());
      int x = left + (int) (pw * s.rate() / maxRate);
      int y = top + (int) (ph * (maxLog - Math.min(maxLog, Math.log10(ms))) / (maxLog - minLog));
      g.fillOval(x - 3, y - 3, 6, 6);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
  }

  private static void legend(Graphics2D g, int x, int y, boolean withFlinkFloor) {
    List<String> names = new java.util.ArrayList<>(List.of("Warden p50", "Warden p99"));
    List<Color> colors = new java.util.ArrayList<>(List.of(WARDEN, WARDEN));
    if (withFlinkFloor) {
      names.addAll(List.of("Flink floor p50", "Flink floor p99"));
      colors.addAll(List.of(FLINK_FLOOR, FLINK_FLOOR));
    }
    names.addAll(List.of("floor p50", "floor p99"));
    colors.addAll(List.of(FLOOR, FLOOR));
    for (int i = 0; i < names.size(); i++) {
      g.setColor(colors.get(i));
      g.setStroke(i % 2 == 0 ? new BasicStroke(2.5f) : dashed());
      g.drawLine(x, y + i * 18, x + 30, y + i * 18);
      g.setColor(Color.DARK_GRAY);
      g.drawString(names.get(i), x + 38, y + i * 18 + 4);
    }
  }
}
