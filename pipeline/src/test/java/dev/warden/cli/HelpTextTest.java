package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's --help wraps only at spaces: commands, paths and addresses stay whole. */
class HelpTextTest {

  /** Every command in the tree under {@code cl}, {@code cl} first. */
  private static List<CommandLine> commands(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>();
    out.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!out.contains(sub)) {
        out.addAll(commands(sub));
      }
    }
    return out;
  }

  /** The words (space-separated) of every text the command's help shows. */
  private static List<String> words(CommandSpec spec) {
    List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
    for (ArgSpec a : spec.args()) {
      texts.addAll(List.of(a.description()));
    }
    for (CommandLine sub : spec.commandLine().getSubcommands().values()) {
      // the command list shows a subcommand's header, else its description's first line
      var u = sub.getCommandSpec().usageMessage();
      String[] d = u.header().length > 0 ? u.header() : u.description();
      if (d.length > 0) {
        texts.add(d[0]);
      }
    }
    List<String> words = new ArrayList<>();
    for (String t : texts) {
      for (String w : t.split(" +")) {
        // ${DEFAULT-VALUE} and the like are filled in; '%' may be a format
        if (!w.isEmpty() && !w.contains("${") && !w.contains("%")) {
          words.add(w);
        }
      }
    }
    return words;
  }

  @Test
  void everyWordOfEveryCommandsHelpIsOnOneLine() {
    List<CommandLine> all = commands(Main.commandLine(new Main()));
    assertTrue(all.size() > 20, "the whole command tree: " + all.size());
    List<String> split = new ArrayList<>();
    for (CommandLine cl : all) {
      String usage = cl.getUsageMessage(Help.Ansi.OFF);
      List<String> lines = List.of(usage.split("\\R"));
      for (String w : words(cl.getCommandSpec())) {
        if (lines.stream().noneMatch(l -> l.contains(w))) {
          split.add(cl.getCommandSpec().qualifiedName() + ": '" + w + "'");
        }
      }
      for (String l : lines) {
        assertTrue(
            l.length() <= cl.getCommandSpec().usageMessage().width(),
            "a line wider than the usage width: " + l);
      }
    }
    assertEquals(List.of(), split, "words cut across lines");
  }

  @Test
  void theTopLevelHelpKeepsTheLoadCommandWhole() {
    CliRun r = CliRun.warden("help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("./warden load --help."), r.out());
    assertTrue(r.out().contains("./warden migrate --help."), r.out());
  }

  @Test
  void theBrokerHelpKeepsTheAddressWhole() {
    CliRun r = CliRun.warden("broker", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("bootstrap.servers=127.0.0.1:PORT"), r.out());
  }
}
