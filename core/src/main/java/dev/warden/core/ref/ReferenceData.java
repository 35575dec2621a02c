package dev.warden.core.ref;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.text.AmbiguityClassifier;
import dev.warden.core.text.PhraseMatcher;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The brand registry compiled for matching: one automaton over every brand name and alias, and one
 * near-duplicate index over every known counterfeit image hash. Immutable and shared; built in one
 * batch per change, never per event.
 */
public final class ReferenceData {

  private static final AmbiguityClassifier AMBIGUITY = AmbiguityClassifier.standard();

  // Compiled data shared by every task in this JVM, keyed by a fingerprint of the brand set:
  // parallel tasks that see the same registrations compile once and share the result.
  private static final Cache<Long, ReferenceData> SHARED =
      Caffeine.newBuilder().maximumSize(4).build();

  public static final ReferenceData EMPTY =
      compile(
          java.util.List.of(),
          ImageHashIndex.Kind.PHASH.defaultMaxDistance(),
          ImageHashIndex.Kind.PDQ.defaultMaxDistance());

  private final PhraseMatcher<BrandPhrase> brands;
  private final ImageHashIndex<BrandInfo> images;
  private final int brandCount;
  private final long fingerprint;

  private ReferenceData(
      PhraseMatcher<BrandPhrase> brands,
      ImageHashIndex<BrandInfo> images,
      int brandCount,
      long fingerprint) {
    this.brands = brands;
    this.images = images;
    this.brandCount = brandCount;
    this.fingerprint = fingerprint;
  }

  public PhraseMatcher<BrandPhrase> brandMatcher() {
    return brands;
  }

  public ImageHashIndex<BrandInfo> imageIndex() {
    return images;
  }

  public int brandCount() {
    return brandCount;
  }

  public long fingerprint() {
    return fingerprint;
  }

  /**
   * Compiles, or returns the copy another task in this JVM already compiled for the same brand set
   * and distances. The image index is built for the policy's maximum Hamming distances (multi-index
   * hashing partitions hashes by them).
   */
  public static ReferenceData compileShared(
      Collection<BrandRecord> records, int phashMaxDistance, int pdqMaxDistance) {
    long brands = fingerprint(records);
    long fp = brands * 31 + phashMaxDistance * 1_000L + pdqMaxDistance;
    return SHARED.get(fp, k -> compile(records, phashMaxDistance, pdqMaxDistance, brands));
  }

  /** Compiles the registry. A later registration of the same brand key replaces an earlier one. */
  public static ReferenceData compile(
      Collection<BrandRecord> records, int phashMaxDistance, int pdqMaxDistance) {
    return compile(records, phashMaxDistance, pdqMaxDistance, fingerprint(records));
  }

  private static ReferenceData compile(
      Collection<BrandRecord> records, int phashMaxDistance, int pdqMaxDistance, long fingerprint) {
    Map<String, BrandRecord> latest = new HashMap<>();
    for (BrandRecord r : records) {
      latest.put(BrandKeys.key(r.brand()), r);
    }
    PhraseMatcher.Builder<BrandPhrase> phrases = PhraseMatcher.builder();
    ImageHashIndex.Builder<BrandInfo> hashes =
        ImageHashIndex.<BrandInfo>builder()
            .maxDistance(ImageHashIndex.Kind.PHASH, phashMaxDistance)
            .maxDistance(ImageHashIndex.Kind.PDQ, pdqMaxDistance);
    for (Map.Entry<String, BrandRecord> e : latest.entrySet()) {
      BrandRecord r = e.getValue();
      boolean nameAmbiguous = AMBIGUITY.isAmbiguous(r.brand());
      BrandInfo info =
          new BrandInfo(
              e.getKey(),
              r.brand(),
              r.minPriceMinor(),
              r.minPriceCurrency(),
              r.rightsOwner(),
              nameAmbiguous);
      phrases.add(r.brand(), new BrandPhrase(info, r.brand(), false, nameAmbiguous));
      for (String alias : r.aliases()) {
        phrases.add(alias, new BrandPhrase(info, alias, true, AMBIGUITY.isAmbiguous(alias)));
      }
      for (String h : r.counterfeitImageHashes()) {
        hashes.add(h, info);
      }
    }
    return new ReferenceData(phrases.build(), hashes.build(), latest.size(), fingerprint);
  }

  /**
   * Order-independent fingerprint of a brand set (tasks may receive registrations in different
   * orders).
   */
  static long fingerprint(Collection<BrandRecord> records) {
    long sum = 0;
    long xor = 0;
    for (BrandRecord r : records) {
      long h = hash(r);
      sum += h;
      xor ^= Long.rotateLeft(h, 17);
    }
    return sum * 31 + xor + records.size();
  }

  private static long hash(BrandRecord r) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, r.brand());
    for (String a : r.aliases()) {
      h = mix(h, "\u0001" + a);
    }
    h = mix(h, "\u0002" + r.minPriceMinor() + r.minPriceCurrency());
    for (String x : r.counterfeitImageHashes()) {
      h = mix(h, "\u0003" + x);
    }
    h = mix(h, "\u0004" + r.rightsOwner());
    return h;
  }

  private static long mix(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
