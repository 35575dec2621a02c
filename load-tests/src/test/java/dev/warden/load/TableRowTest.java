package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's table keeps its columns under their headers, with or without the Flink floor. */
class TableRowTest {
  private static List<Integer> bars(String line) {
    List<Integer> at = new ArrayList<>();
    for (int i = line.indexOf('|'); i >= 0; i = line.indexOf('|', i + 1)) {
      at.add(i);
    }
    return at;
  }

  @Test
  void dataRowsPutTheirSeparatorsWhereTheHeaderHasThem() {
    List<String> heads =
        List.of(
            "Warden p50 / p99 / max ms (missing)",
            "Flink floor p50 / p99 / max ms (missing)",
            "floor p50 / p99 / max ms (missing)");
    String header = BenchCommand.row("rate/s", heads, heads);
    String data =
        BenchCommand.row(
            "25000",
            List.of(
                "1734.34 / 4957.67 /  5003.8 (0)",
                "   3.40 /    9.76 /    16.7 (0)",
                "   2.80 /    9.52 /    18.9 (0)"),
            heads);
    assertEquals(3, bars(header).size(), header);
    assertEquals(bars(header), bars(data), header + data);
    assertEquals(
        "   25000 | 1734.34 / 4957.67 /  5003.8 (0)", data.substring(0, data.indexOf('(') + 3));
  }

  @Test
  void twoColumnsWithoutTheFlinkFloor() {
    List<String> heads =
        List.of("Warden p50 / p99 / max ms (missing)", "floor p50 / p99 / max ms (missing)");
    String header = BenchCommand.row("rate/s", heads, heads);
    String data =
        BenchCommand.row(
            "1000",
            List.of("   1.17 /    6.73 /    21.1 (0)", "   0.93 /    4.55 /    16.7 (0)"),
            heads);
    assertEquals(bars(header), bars(data), header + data);
    assertEquals(2, bars(data).size(), data);
  }
}
