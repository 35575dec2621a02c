package dev.warden.core.signals.ipr;

import dev.warden.core.ref.BrandInfo;
import dev.warden.core.ref.ImageHashIndex;
import dev.warden.core.ref.ReferenceData;

/** A listing image close to a known counterfeit image of a brand. */
public record ImageMatch(String hash, ImageHashIndex.Hit<BrandInfo> hit) {

  /**
   * The closest known counterfeit image within the policy's distance (the index was compiled with
   * it), or null. Hashes were validated at decode.
   */
  public static ImageMatch closest(String[] hashes, ReferenceData refs) {
    ImageMatch best = null;
    for (String h : hashes) {
      if (refs.imageIndex().findNearest(h) instanceof ImageHashIndex.Hit<BrandInfo> hit
          && (best == null || hit.distance() < best.hit.distance())) {
        best = new ImageMatch(h, hit);
      }
    }
    return best;
  }

  public BrandInfo brand() {
    return hit.payload();
  }
}
