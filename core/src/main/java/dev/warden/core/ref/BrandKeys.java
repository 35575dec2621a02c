package dev.warden.core.ref;

import dev.warden.core.text.TextNormalizer;

/**
 * The canonical key of a brand name: the same brand registered as "Omega", "OMEGA" or "Ωmega" is
 * one brand, and a seller's authorized-brand list is compared by key.
 */
public final class BrandKeys {
  private BrandKeys() {}

  public static String key(String brandName) {
    String k = TextNormalizer.normalizeToString(brandName);
    return k.isEmpty() ? brandName.strip().toLowerCase(java.util.Locale.ROOT) : k;
  }
}
