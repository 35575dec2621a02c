package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decoding routes every record somewhere: a keyed side, the broadcast side, or the dead-letter
 * output.
 */
class DecodeFunctionTest {
  private OneInputStreamOperatorTestHarness<RawRecord, WardenEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction());
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void feed(long offset, String json) throws Exception {
    byte[] value =
        json == null
            ? "\u0000garbage".getBytes(StandardCharsets.UTF_8)
            : EventCodec.parseJson(json).toByteArray();
    harness.processElement(
        new RawRecord("events", 3, offset, 0L, "k".getBytes(StandardCharsets.UTF_8), value), 0);
  }

  private static <T> List<T> values(java.util.Collection<StreamRecord<T>> records) {
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void routesEachKindToItsSide() throws Exception {
    feed(
        1,
        "{\"event_id\":\"a\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\"}}");
    feed(
        2,
        "{\"event_id\":\"b\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"live_stream\":{\"stream_id\":\"ls\",\"creator_id\":\"c\",\"kind\":\"STARTED\"}}");
    feed(
        3,
        "{\"event_id\":\"c\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"brand_registered\":{\"brand\":\"Omega\"}}");
    feed(
        4,
        "{\"event_id\":\"d\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"enforcement_outcome\":{\"seller_id\":\"s\",\"creator_id\":\"c\",\"outcome\":\"UPHELD\"}}");

    List<WardenEvent> seller = harness.extractOutputValues();
    assertEquals(List.of("a", "d"), seller.stream().map(WardenEvent::eventId).toList());
    List<WardenEvent> creator = values(harness.getSideOutput(Names.CREATOR_EVENTS));
    assertEquals(
        List.of("b", "d"),
        creator.stream().map(WardenEvent::eventId).toList(),
        "an outcome naming both a seller and a creator reaches both sides");
    assertEquals(
        "Omega", values(harness.getSideOutput(Names.BRAND_REGISTRATIONS)).get(0).brand().brand());
    assertEquals(EventKind.LIVE_STREAM, creator.get(0).kind());
  }

  @Test
  void badRecordsBecomeDeadLettersWithRawBytesAndOffset() throws Exception {
    feed(7, null);
    feed(
        8,
        "{\"event_id\":\"x\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\"}}");
    assertTrue(harness.extractOutputValues().isEmpty());
    List<DeadLetterRecord> dlq = values(harness.getSideOutput(Names.DEAD_LETTERS));
    assertEquals(2, dlq.size());
    assertEquals("UNPARSEABLE", dlq.get(0).errorCode());
    assertEquals(7, dlq.get(0).sourceOffset());
    assertEquals(3, dlq.get(0).sourcePartition());
    assertArrayEquals("\u0000garbage".getBytes(StandardCharsets.UTF_8), dlq.get(0).rawValue());
    assertEquals("INVALID", dlq.get(1).errorCode());
    assertEquals("x", dlq.get(1).eventId());
    assertTrue(dlq.get(1).reason().contains("seller_id"));
  }

  @Test
  void anEventDatedBeyondTheAllowedSkewIsJudgedAtTheJobsTime() throws Exception {
    java.time.Instant farAhead = java.time.Instant.now().plus(java.time.Duration.ofDays(3 * 365));
    java.time.Instant slightlyAhead = java.time.Instant.now().plusSeconds(60);
    long before = System.currentTimeMillis();
    feed(
        1,
        "{\"event_id\":\"future\",\"event_time\":\""
            + farAhead
            + "\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\"}}");
    feed(
        2,
        "{\"event_id\":\"soon\",\"event_time\":\""
            + slightlyAhead
            + "\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\"}}");
    long after = System.currentTimeMillis();

    List<WardenEvent> out = harness.extractOutputValues();
    long clamped = out.get(0).eventTimeMillis();
    assertTrue(
        clamped >= before && clamped <= after,
        "three years ahead becomes the decoder's time: " + java.time.Instant.ofEpochMilli(clamped));
    assertEquals(
        slightlyAhead.toEpochMilli(),
        out.get(1).eventTimeMillis(),
        "a minute ahead is within the default 5-minute skew: kept");
  }

  @Test
  void everyDecodedEventCarriesWhenTheSourceReceivedIt() throws Exception {
    long before = System.currentTimeMillis() * 1_000;
    feed(
        1,
        "{\"event_id\":\"a\",\"event_time\":\"2020-01-01T00:00:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\"}}");
    feed(
        2,
        "{\"event_id\":\"b\",\"event_time\":\"2020-01-01T00:00:00Z\",\"region\":\"GB\",\"live_stream\":{\"stream_id\":\"ls\",\"creator_id\":\"c\",\"kind\":\"STARTED\"}}");
    long after = (System.currentTimeMillis() + 1) * 1_000;

    List<WardenEvent> all = new java.util.ArrayList<>(harness.extractOutputValues());
    all.addAll(values(harness.getSideOutput(Names.CREATOR_EVENTS)));
    assertEquals(2, all.size());
    for (WardenEvent e : all) {
      assertTrue(
          e.receivedAtMicros() >= before && e.receivedAtMicros() <= after,
          e.eventId()
              + " received at "
              + e.receivedAtMicros()
              + ", fed in ["
              + before
              + ", "
              + after
              + "]");
      assertEquals(
          java.time.Instant.parse("2020-01-01T00:00:00Z").toEpochMilli(),
          e.eventTimeMillis(),
          "the producer's time is kept beside it");
    }
  }
}
