package dev.warden.core.policy;

import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** What a policy bundle changes against another, in words an on-call engineer reads quickly. */
public final class PolicyDiff {
  private PolicyDiff() {}

  public static List<String> changes(Policy from, Policy to) {
    List<String> out = new ArrayList<>();
    if (from == null) {
      out.add("first policy: " + to.getVersion());
      return out;
    }
    if (!from.getVersion().equals(to.getVersion())) {
      out.add(
          "version "
              + from.getVersion()
              + " (revision "
              + from.getRevision()
              + ") -> "
              + to.getVersion()
              + " (revision "
              + to.getRevision()
              + ")");
    }
    num(out, "hold threshold", from.getThresholds().getHold(), to.getThresholds().getHold());
    num(out, "block threshold", from.getThresholds().getBlock(), to.getThresholds().getBlock());
    Set<String> signals = new TreeSet<>(from.getWeightsMap().keySet());
    signals.addAll(to.getWeightsMap().keySet());
    for (String s : signals) {
      Double a = from.getWeightsMap().get(s);
      Double b = to.getWeightsMap().get(s);
      if (!Objects.equals(a, b)) {
        out.add(
            "weight "
                + s
                + ": "
                + (a == null ? "unset" : fmt(a))
                + " -> "
                + (b == null ? "unset" : fmt(b))
                + looser(a == null ? 0 : a, b == null ? 0 : b, "", " (looser)"));
      }
    }
    if (!from.getSeller().equals(to.getSeller())) {
      out.add(
          "seller rules changed: " + compact(from.getSeller()) + " -> " + compact(to.getSeller()));
    }
    terms(
        out,
        "counterfeit terms",
        from.getBrand().getCounterfeitTermsList(),
        to.getBrand().getCounterfeitTermsList());
    terms(
        out,
        "counterfeit exceptions",
        from.getBrand().getCounterfeitExceptionsList(),
        to.getBrand().getCounterfeitExceptionsList());
    terms(
        out,
        "compatibility phrases",
        from.getBrand().getLegitContextTermsList(),
        to.getBrand().getLegitContextTermsList());
    num(
        out,
        "pHash max distance",
        from.getBrand().getPhashMaxDistance(),
        to.getBrand().getPhashMaxDistance());
    num(
        out,
        "PDQ max distance",
        from.getBrand().getPdqMaxDistance(),
        to.getBrand().getPdqMaxDistance());
    Map<String, TermList> a = byName(from);
    Map<String, TermList> b = byName(to);
    for (String name : union(a.keySet(), b.keySet())) {
      TermList x = a.get(name);
      TermList y = b.get(name);
      if (x == null) {
        out.add(
            "term list "
                + name
                + " added ("
                + y.getAction()
                + ", "
                + y.getTermsCount()
                + " terms)");
      } else if (y == null) {
        out.add("term list " + name + " REMOVED (looser)");
      } else if (!x.equals(y)) {
        if (x.getAction() != y.getAction()) {
          out.add("term list " + name + ": action " + x.getAction() + " -> " + y.getAction());
        }
        if (!x.getRegionsList().equals(y.getRegionsList())) {
          out.add(
              "term list "
                  + name
                  + ": regions "
                  + x.getRegionsList()
                  + " -> "
                  + y.getRegionsList());
        }
        terms(out, "term list " + name, x.getTermsList(), y.getTermsList());
        terms(
            out, "term list " + name + " exceptions", x.getExceptionsList(), y.getExceptionsList());
        if (x.getBreakerExempt() != y.getBreakerExempt()) {
          out.add(
              "term list "
                  + name
                  + (y.getBreakerExempt()
                      ? ": exempt from the circuit breaker"
                      : ": no longer exempt from the circuit breaker"));
        }
      }
    }
    if (!from.getBreaker().equals(to.getBreaker())) {
      out.add(
          "circuit breaker: "
              + (compact(from.getBreaker()).isEmpty() ? "defaults" : compact(from.getBreaker()))
              + " -> "
              + (compact(to.getBreaker()).isEmpty() ? "defaults" : compact(to.getBreaker())));
    }
    if (!from.getOverridesList().equals(to.getOverridesList())) {
      out.add(
          "overrides: "
              + from.getOverridesCount()
              + " -> "
              + to.getOverridesCount()
              + " entries, changed");
    }
    terms(
        out,
        "disabled families (kill switches)",
        from.getDisabledFamiliesList(),
        to.getDisabledFamiliesList());
    if (!from.getForceHoldsList().equals(to.getForceHoldsList())) {
      List<String> fh = new ArrayList<>();
      for (var f : to.getForceHoldsList()) {
        fh.add(
            (f.getRegion().isEmpty() ? "*" : f.getRegion())
                + "/"
                + (f.getCategory().isEmpty() ? "*" : f.getCategory())
                + " ("
                + f.getReason()
                + ")");
      }
      out.add("force holds now: " + (fh.isEmpty() ? "none" : String.join(", ", fh)));
    }
    if (!from.getCreator().equals(to.getCreator())) {
      out.add(
          "creator rules changed: "
              + compact(from.getCreator())
              + " -> "
              + compact(to.getCreator()));
    }
    if (!from.getLive().equals(to.getLive()) || !from.getEdit().equals(to.getEdit())) {
      out.add("live or edit rules changed");
    }
    if (out.isEmpty() || (out.size() == 1 && out.get(0).startsWith("version "))) {
      out.add("no change in judgement");
    }
    return out;
  }

  private static Map<String, TermList> byName(Policy p) {
    Map<String, TermList> m = new java.util.LinkedHashMap<>();
    for (TermList l : p.getTermListsList()) {
      m.put(l.getName(), l);
    }
    return m;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new LinkedHashSet<>(a);
    u.addAll(b);
    return u;
  }

  private static void num(List<String> out, String what, double a, double b) {
    if (a != b) {
      out.add(what + ": " + fmt(a) + " -> " + fmt(b));
    }
  }

  private static void terms(List<String> out, String what, List<String> a, List<String> b) {
    Set<String> added = new TreeSet<>(b);
    added.removeAll(a);
    Set<String> removed = new TreeSet<>(a);
    removed.removeAll(b);
    if (!added.isEmpty()) {
      out.add(what + ": + " + String.join(", ", limit(added)));
    }
    if (!removed.isEmpty()) {
      out.add(what + ": - " + String.join(", ", limit(removed)));
    }
  }

  private static List<String> limit(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    if (l.size() > 8) {
      int more = l.size() - 8;
      l = new ArrayList<>(l.subList(0, 8));
      l.add("... " + more + " more");
    }
    return l;
  }

  private static String looser(double a, double b, String same, String looser) {
    return b < a ? looser : same;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static String compact(com.google.protobuf.Message m) {
    return m.toString().replace('\n', ' ').trim();
  }
}
