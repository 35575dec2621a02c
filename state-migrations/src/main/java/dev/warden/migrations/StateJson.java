package dev.warden.migrations;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * State records as JSON, for people reading a savepoint: record components by name, arrays, maps,
 * enums, strings, numbers, booleans and null. Deterministic (component and insertion order).
 */
public final class StateJson {
  private StateJson() {}

  public static String write(Object o) {
    StringBuilder b = new StringBuilder();
    write(o, b);
    return b.toString();
  }

  private static void write(Object o, StringBuilder b) {
    if (o == null) {
      b.append("null");
    } else if (o instanceof String s) {
      quote(s, b);
    } else if (o instanceof Number || o instanceof Boolean) {
      b.append(o);
    } else if (o instanceof Enum<?> e) {
      quote(e.name(), b);
    } else if (o instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(String.valueOf(e.getKey()), b);
        b.append(':');
        write(e.getValue(), b);
      }
      b.append('}');
    } else if (o.getClass().isArray()) {
      b.append('[');
      for (int i = 0; i < Array.getLength(o); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(Array.get(o, i), b);
      }
      b.append(']');
    } else if (o.getClass().isRecord()) {
      b.append('{');
      boolean first = true;
      for (RecordComponent c : o.getClass().getRecordComponents()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(c.getName(), b);
        b.append(':');
        try {
          write(c.getAccessor().invoke(o), b);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      b.append('}');
    } else {
      quote(o.toString(), b);
    }
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
