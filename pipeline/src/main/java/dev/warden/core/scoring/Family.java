package dev.warden.core.scoring;

/** Signal families, the unit of evaluation reports and (later) of kill switches. */
public enum Family {
  IPR("ipr"),
  PROHIBITED("prohibited"),
  SELLER("seller"),
  CREATOR("creator"),
  LISTING("listing"),
  LIVE("live"),
  ENGINE("engine");

  public final String id;

  Family(String id) {
    this.id = id;
  }
}
