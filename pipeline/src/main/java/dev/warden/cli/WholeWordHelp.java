package dev.warden.cli;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Usage help that wraps lines only at spaces. Picocli wraps with {@link java.text.BreakIterator},
 * which also breaks after '.', '/', ':' and quotes, so {@code ./warden load --help} came out as ".
 * / /warden load --help" and {@code 127.0.0.1:PORT} as "127. / 0.0.1:PORT" at the end of a line.
 * Here the description, the command list and the option and parameter descriptions are cut into
 * lines at spaces before picocli lays them out, so commands, paths and addresses stay whole (a
 * single word longer than its column is still cut, as it must be).
 */
final class WholeWordHelp extends Help {

  WholeWordHelp(CommandSpec spec, ColorScheme colorScheme) {
    super(spec, colorScheme);
  }

  /** Installs this help on {@code cl} and every subcommand. */
  static void install(CommandLine cl) {
    cl.setHelpFactory(WholeWordHelp::new);
  }

  private int width() {
    return commandSpec().usageMessage().width();
  }

  @Override
  public String description(Object... params) {
    return block(commandSpec().usageMessage().description(), params);
  }

  @Override
  public String header(Object... params) {
    return block(commandSpec().usageMessage().header(), params);
  }

  @Override
  public String footer(Object... params) {
    return block(commandSpec().usageMessage().footer(), params);
  }

  private String block(String[] lines, Object... params) {
    if (lines == null || lines.length == 0) {
      return "";
    }
    TextTable t = new Table(colorScheme(), new Column(width(), 0, Column.Overflow.WRAP));
    t.indentWrappedLines = 0; // as picocli: a paragraph's lines all start at the margin
    for (String line : lines) {
      t.addRowValues(format(line, params));
    }
    return t.toString();
  }

  /** Picocli's own command list (name column, then the first line of each description). */
  @Override
  public String commandList(Map<String, Help> subcommands) {
    if (subcommands.isEmpty()) {
      return "";
    }
    int names = 0;
    for (String k : subcommands.keySet()) {
      names = Math.max(names, k.length());
    }
    names = Math.min(names, width() / 2);
    TextTable t =
        new Table(
            colorScheme(),
            new Column(names + 2, 2, Column.Overflow.SPAN),
            new Column(width() - (names + 2), 2, Column.Overflow.WRAP));
    for (Map.Entry<String, Help> e : subcommands.entrySet()) {
      Help sub = e.getValue();
      CommandLine.Model.UsageMessageSpec u = sub.commandSpec().usageMessage();
      String first =
          u.header().length > 0
              ? u.header()[0]
              : u.description().length > 0 ? u.description()[0] : "";
      Text[] lines = colorScheme().text(format(first)).splitLines();
      for (int i = 0; i < lines.length; i++) {
        t.addRowValues(i == 0 ? sub.commandNamesText(", ") : colorScheme().text(""), lines[i]);
      }
    }
    return t.toString();
  }

  @Override
  public Layout createDefaultLayout(
      List<OptionSpec> options, List<PositionalParamSpec> params, ColorScheme colorScheme) {
    Layout l = super.createDefaultLayout(options, params, colorScheme);
    Table t = new Table(colorScheme, l.textTable().columns());
    t.indentWrappedLines = l.textTable().indentWrappedLines;
    return new Layout(colorScheme, t, l.optionRenderer(), l.parameterRenderer());
  }

  private static String format(String s, Object... params) {
    if (s == null) {
      return "";
    }
    try {
      return String.format(s, params);
    } catch (IllegalFormatException e) {
      return s;
    }
  }

  /**
   * Splits {@code text} at spaces into pieces of at most {@code first} characters for the first and
   * {@code rest} for the others (a longer word is a piece of its own). Package-private for tests.
   */
  static List<int[]> pieces(String text, int first, int rest) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    int n = text.length();
    while (start < n) {
      int max = out.isEmpty() ? first : rest;
      if (n - start <= max) {
        out.add(new int[] {start, n});
        break;
      }
      int cut = text.lastIndexOf(' ', start + max);
      if (cut <= start) { // one word longer than the line: take it whole
        cut = text.indexOf(' ', start + 1);
        if (cut < 0) {
          out.add(new int[] {start, n});
          break;
        }
      }
      int end = cut;
      while (end > start && text.charAt(end - 1) == ' ') {
        end--;
      }
      out.add(new int[] {start, end});
      start = cut;
      while (start < n && text.charAt(start) == ' ') {
        start++;
      }
    }
    return out;
  }

  /**
   * A text table whose wrapping columns take their text in pieces cut at spaces, each of which fits
   * its line, so picocli's own wrapping never has to break one.
   */
  private static final class Table extends TextTable {
    private final Column[] cols;

    Table(ColorScheme colorScheme, Column... columns) {
      super(colorScheme, columns);
      this.cols = columns();
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column c = cols[col];
      if (c.overflow != Column.Overflow.WRAP || value == null) {
        return super.putValue(row, col, value);
      }
      String plain = value.plainString();
      int first = c.width - c.indent;
      if (plain.length() <= first) {
        return super.putValue(row, col, value);
      }
      List<int[]> parts = pieces(plain, first, c.width - c.indent - indentWrappedLines);
      Cell cell = super.putValue(row, col, value.substring(parts.get(0)[0], parts.get(0)[1]));
      int indent = c.indent;
      try {
        c.indent = indent + indentWrappedLines;
        for (int i = 1; i < parts.size(); i++) {
          addEmptyRow();
          cell =
              super.putValue(
                  rowCount() - 1, col, value.substring(parts.get(i)[0], parts.get(i)[1]));
        }
      } finally {
        c.indent = indent;
      }
      return cell;
    }
  }
}
