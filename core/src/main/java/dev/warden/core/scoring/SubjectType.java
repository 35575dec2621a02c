package dev.warden.core.scoring;

/** What a verdict is about. */
public enum SubjectType {
  LISTING,
  LIVE_STREAM
}
