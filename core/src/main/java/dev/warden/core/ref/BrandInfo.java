package dev.warden.core.ref;

/**
 * A compiled brand: what the matchers return when a brand, one of its aliases or one of its
 * counterfeit images is found. Immutable, shared by every task.
 *
 * @param key canonical key ({@link BrandKeys})
 * @param ambiguous the brand's name is an ordinary word or very short ("Box", "Go", "Apple"): it
 *     only counts when something corroborates it
 */
public record BrandInfo(
    String key,
    String name,
    long floorMinor,
    String floorCurrency,
    String rightsOwner,
    boolean ambiguous) {

  public boolean hasFloor() {
    return !floorCurrency.isEmpty();
  }
}
