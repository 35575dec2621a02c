package dev.warden.core.signals;

/** Signal families, the unit of evaluation reports and (later) of kill switches. */
public enum Family {
  IPR("ipr"),
  PROHIBITED("prohibited"),
  SELLER("seller"),
  CREATOR("creator"),
  LISTING("listing"),
  LIVE("live"),
  POLICY("policy"),
  ENGINE("engine");

  public final String id;

  Family(String id) {
    this.id = id;
  }

  /** The family with this id, or null. */
  public static Family byId(String id) {
    for (Family f : values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    return null;
  }
}
