package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.warden.cli.DeadLetterTopic.Entry;
import dev.warden.cli.DeadLetterTopic.Marker;
import dev.warden.proto.v1.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What makes two dead letters the same record, and when a replay marker covers one. */
class DeadLetterTopicTest {
  static Entry entry(long offset, DeadLetter d) {
    return new Entry("warden.dlq", 0, offset, 1_000L, d);
  }

  static final DeadLetter DECODER =
      DeadLetter.newBuilder()
          .setErrorCode("DECODER_ERROR")
          .setSourceTopic("warden.events")
          .setSourcePartition(3)
          .setSourceOffset(41)
          .setEventId("e-1")
          .setRawKey(ByteString.copyFromUtf8("seller-1"))
          .setRawValue(ByteString.copyFromUtf8("bytes"))
          .build();

  @Test
  void aRefusedRecordIsKnownByItsSourceCoordinates() {
    assertEquals("src:warden.events/3@41", entry(7, DECODER).identity());
    // The same record dead-lettered twice (an at-least-once sink after a failover): one identity.
    assertEquals(entry(7, DECODER).identity(), entry(9, DECODER).identity());
  }

  @Test
  void anEventTheScorersCouldNotApplyIsKnownByItsEventId() {
    DeadLetter scorer =
        DECODER.toBuilder()
            .setErrorCode("STATE_UPDATE_FAILED")
            .setSourceTopic("")
            .setSourcePartition(-1)
            .setSourceOffset(-1)
            .build();
    assertEquals("event:e-1", entry(7, scorer).identity());
    DeadLetter anonymous = scorer.toBuilder().setEventId("").build();
    assertEquals("dlq:warden.dlq/0@7", entry(7, anonymous).identity());
    assertEquals("dlq:warden.dlq/0@7", entry(7, null).identity());
  }

  @Test
  void onlyADeadLetterWithItsOriginalBytesCanBeReplayed() {
    assertNull(entry(1, DECODER).unreplayable());
    String why = entry(1, DECODER.toBuilder().setRawValue(ByteString.EMPTY).build()).unreplayable();
    assertTrue(why.contains("original bytes were not kept"), why);
    assertTrue(entry(1, null).unreplayable().contains("not a warden.v1.DeadLetter"));
  }

  @Test
  void aMarkerCoversTheDeadLettersThatExistedWhenItWasWrittenOnly() {
    Marker m = new Marker("2026-12-04T10:00:00Z", "warden.events/2@90", "warden.dlq/0@7", 12);
    Marker back = Marker.parse(m.toBytes());
    assertEquals(m, back);
    assertTrue(back.covers(entry(7, DECODER)), "the dead letter it replayed");
    assertTrue(back.covers(entry(11, DECODER)), "a duplicate written before the replay");
    assertFalse(back.covers(entry(12, DECODER)), "written after the replay: a new failure");
  }

  @Test
  void replayedByLooksUpTheIdentity() {
    Marker m = new Marker("t", "warden.events/2@90", "warden.dlq/0@7", 12);
    Map<String, Marker> markers = Map.of("src:warden.events/3@41", m);
    assertEquals(m, DlqCommand.replayedBy(entry(9, DECODER), markers));
    assertNull(DlqCommand.replayedBy(entry(20, DECODER), markers));
    assertNull(
        DlqCommand.replayedBy(entry(9, DECODER.toBuilder().setSourceOffset(42).build()), markers));
  }

  @Test
  void timesAreInstantsOrAges() {
    assertEquals(
        Instant.parse("2026-12-04T10:00:00Z"),
        DlqCommand.Selection.time("--since", "2026-12-04T10:00:00Z"));
    Instant sixHoursAgo = DlqCommand.Selection.time("--since", "6h");
    Duration age = Duration.between(sixHoursAgo, Instant.now());
    assertTrue(age.compareTo(Duration.ofHours(6)) >= 0 && age.compareTo(Duration.ofHours(7)) < 0);
    assertThrows(
        IllegalArgumentException.class, () -> DlqCommand.Selection.time("--since", "yesterday"));
  }
}
