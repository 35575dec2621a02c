package dev.warden.core.signals.ipr;

import dev.warden.core.ref.ImageHashIndex;
import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;

/**
 * {@code ipr.counterfeit_image}: an image within the policy's Hamming distance of a known
 * counterfeit.
 */
public final class CounterfeitImage {
  private CounterfeitImage() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    ImageMatch m = f.image();
    if (m == null) {
      return;
    }
    boolean phash = m.hit().kind() == ImageHashIndex.Kind.PHASH;
    out.add(
        Signal.IPR_COUNTERFEIT_IMAGE,
        "image "
            + m.hash()
            + " is "
            + m.hit().distance()
            + " bits from a known counterfeit image of "
            + m.brand().name()
            + " ("
            + (phash ? "pHash" : "PDQ")
            + ", max "
            + (phash ? f.policy().phashMaxDistance() : f.policy().pdqMaxDistance())
            + ")");
  }
}
