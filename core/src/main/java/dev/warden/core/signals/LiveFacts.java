package dev.warden.core.signals;

import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.StreamMemo;
import java.util.List;

/**
 * What the live-stream signals judge: the moment, its creator's state, the stream's memo, the
 * compiled policy and, for a transcript, the text scan and the brands that count.
 *
 * @param creator the creator's state ({@link CreatorState#UNKNOWN} when none)
 * @param stream the stream's memo from its earlier moments, or null
 * @param brands the brands that count in a transcript (empty for other moments)
 * @param penaltyPoints the creator's penalty points decayed to the event's time
 * @param recordPoints the creator's record points decayed to the event's time
 */
public record LiveFacts(
    WardenEvent event,
    LiveStream live,
    CreatorState creator,
    StreamMemo stream,
    CompiledPolicy policy,
    TextScan text,
    List<TextScan.BrandFinding> brands,
    double penaltyPoints,
    double recordPoints) {}
