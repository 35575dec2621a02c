package dev.warden.core.scoring;

import dev.warden.core.state.CreatorState;
import dev.warden.core.state.StreamMemo;

/**
 * A scored live-stream moment: its verdict and the state to store. A null verdict means a
 * redelivered duplicate.
 */
public record LiveResult(Verdict verdict, CreatorState creator, StreamMemo memo) {
  static final LiveResult DUPLICATE = new LiveResult(null, null, null);
}
