package dev.warden.migrations;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;

/**
 * Compares a state line recorded when a golden savepoint was written with the same key's state as
 * restored now: every recorded value must come back unchanged, and a component the state records
 * have gained since must come back with its default (null, false, 0, an empty string or array) —
 * what a compatible evolution promises (docs/upgrades.md).
 */
final class StateLines {
  private StateLines() {}

  static void compare(String recorded, String restored, List<String> problems) {
    compare("", JsonParser.parseString(recorded), JsonParser.parseString(restored), problems);
  }

  private static void compare(
      String path, JsonElement want, JsonElement got, List<String> problems) {
    if (want.isJsonObject() && got.isJsonObject()) {
      JsonObject w = want.getAsJsonObject();
      JsonObject g = got.getAsJsonObject();
      for (Map.Entry<String, JsonElement> e : w.entrySet()) {
        String p = path + "." + e.getKey();
        if (!g.has(e.getKey())) {
          problems.add(p + ": recorded " + e.getValue() + ", missing now");
        } else {
          compare(p, e.getValue(), g.get(e.getKey()), problems);
        }
      }
      for (Map.Entry<String, JsonElement> e : g.entrySet()) {
        if (!w.has(e.getKey()) && !isDefault(e.getValue())) {
          problems.add(
              path
                  + "."
                  + e.getKey()
                  + ": not recorded (added since), restored as "
                  + e.getValue()
                  + " instead of its default");
        }
      }
    } else if (want.isJsonArray() && got.isJsonArray()) {
      var w = want.getAsJsonArray();
      var g = got.getAsJsonArray();
      if (w.size() != g.size()) {
        problems.add(path + ": recorded " + w + ", restored " + g);
        return;
      }
      for (int i = 0; i < w.size(); i++) {
        compare(path + "[" + i + "]", w.get(i), g.get(i), problems);
      }
    } else if (!want.equals(got)) {
      problems.add(path + ": recorded " + want + ", restored " + got);
    }
  }

  private static boolean isDefault(JsonElement e) {
    if (e.isJsonNull()) {
      return true;
    }
    if (e.isJsonArray()) {
      return e.getAsJsonArray().size() == 0;
    }
    if (e.isJsonObject()) {
      return e.getAsJsonObject().size() == 0;
    }
    var p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return !p.getAsBoolean();
    }
    if (p.isNumber()) {
      return p.getAsDouble() == 0.0;
    }
    return p.getAsString().isEmpty();
  }
}
