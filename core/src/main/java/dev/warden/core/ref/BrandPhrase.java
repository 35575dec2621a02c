package dev.warden.core.ref;

/** One phrase the brand automaton knows: the brand's own name or one of its aliases. */
public record BrandPhrase(BrandInfo brand, String phrase, boolean alias, boolean ambiguous) {}
