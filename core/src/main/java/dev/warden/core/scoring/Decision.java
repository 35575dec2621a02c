package dev.warden.core.scoring;

/** The verdict's decision, ordered by severity so the stricter of two is {@code max}. */
public enum Decision {
  PASS,
  HOLD,
  BLOCK;

  public Decision atLeast(Decision other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
