package dev.warden.bench;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.Complaint;
import dev.warden.core.model.Outcome;
import dev.warden.core.model.SellerProfile;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.state.SellerState;
import dev.warden.demo.BrandCatalog;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark inputs: a brand registry (the 3,470 real names shipped with the pipeline,
 * then synthesized brands), a counterfeit image bank, a realistic mix of listing events (wire bytes
 * and decoded core events) and a handful of seller states.
 *
 * <p>Everything is prefix-stable: brand {@code i} and hash {@code j} are the same whatever the
 * total count, and events only name brands among the first {@link #POPULAR_BRANDS} and images near
 * the first {@link #NEAR_HASH_POOL} bank hashes, so the same events are scored whether the registry
 * holds 2,000 or 20,000 brands. That is what makes per-event allocation comparable across registry
 * sizes.
 */
public final class BenchFixtures {
  /** Event time of every generated event; "now" for scoring is a little later. */
  public static final long EVENT_TIME = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

  public static final long NOW = EVENT_TIME + 250;

  /**
   * Events name brands among the first this-many registry entries ("popular" brands get
   * counterfeited most).
   */
  public static final int POPULAR_BRANDS = 2_000;

  /** Near-duplicate images are derived from the first this-many bank hashes. */
  public static final int NEAR_HASH_POOL = 20_000;

  /** One PDQ (256-bit) hash in the bank per this many pHashes. */
  public static final int PDQ_EVERY = 200;

  private static final long SEED = 0x5EED_2026L;
  private static final long DAY = 86_400_000L;

  // ------------------------------------------------------------------ listing mix

  /** Listing categories with their share of the mix. */
  public enum Category {
    LEGIT(0.20),
    LEGIT_IMAGE(0.20), // generic listing with a photo hash that matches nothing (an index miss)
    BRANDED_AUTHORIZED(0.08),
    BRANDED_RESALE(0.10), // a brand named by a seller who is not an authorized reseller
    COMPATIBILITY(0.05),
    COUNTERFEIT_TERMS(0.05),
    OBFUSCATED(0.05),
    PROHIBITED(0.04),
    COUNTERFEIT_IMAGE(0.05), // a pHash 1-3 bits from a bank entry
    BELOW_FLOOR(0.04),
    INNOCENT_VOCAB(0.04), // "fake fur", "AAA batteries", "scale replica model"
    FOREIGN(0.04), // German and French titles
    LONG_DESCRIPTION(0.03), // 1.5-3 KB of description
    PDQ_IMAGE(0.03); // a 256-bit PDQ hash, half of them near a bank entry

    final double share;

    Category(double share) {
      this.share = share;
    }
  }

  private static final String[] GENERIC = {
    "Vintage oak side table",
    "Handmade ceramic mug set",
    "Kids wooden train set",
    "Kitchen knife set, stainless steel",
    "Ivory coloured wedding dress, size 12",
    "Cardboard box set of 20",
    "Boxing gloves 12oz",
    "Canvas weekend bag",
    "Garden hose 30m",
    "Cotton bed sheets, king",
    "Yoga mat with carry strap",
    "LED desk lamp",
    "Children's picture books bundle",
    "Cast iron skillet 28cm",
    "Mountain bike helmet",
    "Dog bed, washable cover",
    "Set of 6 wine glasses",
    "Men's wool overcoat, navy, size L",
    "Women's running shoes size 6",
    "Bamboo cutting board",
    "Acoustic guitar with soft case",
    "Baby stroller, lightly used",
    "Hand-painted plant pot",
    "Leather notebook cover A5",
    "Electric kettle 1.7L",
    "Board game collection, 5 games",
    "Vintage film camera, working",
    "Silver pendant necklace",
    "Wall clock, mid-century style",
    "Hiking backpack 40L"
  };
  private static final String[] PRODUCTS = {
    "watch",
    "chronograph",
    "handbag",
    "tote bag",
    "backpack",
    "sneakers",
    "trainers",
    "hoodie",
    "jacket",
    "sunglasses",
    "wireless earbuds",
    "headphones",
    "smartwatch",
    "wallet",
    "perfume",
    "belt",
    "t-shirt",
    "cap"
  };
  private static final String[] COUNTERFEIT = {
    "AAA replica",
    "super copy 1:1",
    "mirror quality",
    "same factory",
    "inspired by",
    "high copy",
    "dupe",
    "1:1 copy",
    "top copy"
  };
  private static final String[] PROHIBITED = {
    "Automatic switchblade knife, spring assisted",
    "Brass knuckles duster, solid",
    "Genuine elephant ivory carving, antique",
    "Pangolin scales, 100g",
    "Springmesser mit Automatik-Öffnung",
    "Pepper spray for self defence, 50ml",
    "Liquid mercury 1kg flask",
    "Crystal meth pipe, glass",
    "Butterfly knife balisong, sharp",
    "Vape pen starter kit"
  };
  private static final String[] INNOCENT = {
    "Fake fur throw blanket, grey",
    "AAA batteries, pack of 24",
    "Scale replica model of a Spitfire",
    "Faux leather sofa cushion covers",
    "Fake plants for living room, set of 3",
    "AAA rechargeable batteries 1100mAh",
    "Movie prop replica sword display"
  };
  private static final String[] FOREIGN = {
    "Handgestrickter Wollschal, dunkelblau",
    "Lampe de chevet en laiton",
    "Kinderfahrrad 16 Zoll, gebraucht",
    "Robe d'été en lin, taille 38",
    "Kaffeemaschine mit Mahlwerk",
    "Sac à dos de randonnée 30 L",
    "Holzspielzeug Eisenbahn Set",
    "Chaussures de course pour femme"
  };
  private static final String[] COMPAT = {
    "Phone case compatible with %s",
    "Replacement strap for %s watch",
    "Charger for %s devices, 20W",
    "Screen protector, fits %s",
    "Carry case suitable for %s headphones"
  };
  private static final String[] SENTENCES = {
    "Ships within two working days from our UK warehouse.",
    "Returns accepted within 30 days if the item is unused and in its original packaging.",
    "Please check the measurements in the photos before ordering.",
    "Smoke-free and pet-free home.",
    "Colours may vary slightly from the pictures depending on your screen.",
    "Bundle discounts available, message me for a combined shipping quote.",
    "Item is in excellent condition with only minor signs of wear.",
    "Collection in person is possible from central Manchester on weekends.",
    "All orders are sent tracked and signed for.",
    "Gift wrapping on request at no extra cost."
  };
  private static final String[] REGIONS = {"GB", "GB", "GB", "GB", "DE", "FR", "US", "SG"};
  private static final String[] CURRENCIES = {
    "GBP", "GBP", "GBP", "GBP", "EUR", "EUR", "USD", "SGD"
  };

  // ------------------------------------------------------------------ brands

  private static final String[] SYLLABLES = {
    "ka", "lo", "mir", "ven", "tra", "zel", "dor", "qui", "bel", "san", "rov", "tex", "nia", "mar",
    "cor", "vel", "sto", "lux", "fen", "gar", "ri", "po", "ta", "nu", "vex", "sol", "ari", "den"
  };
  private static final String[] LINES = {
    "Sport",
    "Studio",
    "Kids",
    "Home",
    "Pro",
    "Active",
    "Essentials",
    "Luxe",
    "Outdoor",
    "Atelier",
    "Denim",
    "Beauty"
  };
  private static final String[] CITIES = {
    "Milano", "Paris", "London", "Tokyo", "Berlin", "New York", "Copenhagen", "Seoul"
  };

  private BenchFixtures() {}

  /**
   * {@code count} brand records with 1-3 aliases each, a GBP floor price, and {@code hashes}
   * counterfeit pHashes (plus one PDQ hash per {@link #PDQ_EVERY}) spread round-robin over them.
   */
  public static List<BrandRecord> brands(int count, int hashes) {
    List<BrandCatalog.Entry> real = BrandCatalog.load();
    SplittableRandom rnd = new SplittableRandom(SEED);
    List<String> names = new ArrayList<>(count);
    List<List<String>> aliases = new ArrayList<>(count);
    List<Long> floors = new ArrayList<>(count);
    Set<String> used = new HashSet<>();
    for (int i = 0; names.size() < count; i++) {
      String name;
      List<String> al = new ArrayList<>();
      if (i < real.size()) {
        name = real.get(i).brand();
        al.addAll(real.get(i).aliases());
      } else if (rnd.nextInt(3) == 0) {
        name =
            real.get(rnd.nextInt(real.size())).brand()
                + " "
                + LINES[rnd.nextInt(LINES.length)]; // product line
      } else {
        StringBuilder b = new StringBuilder();
        int syl = 2 + rnd.nextInt(2);
        for (int s = 0; s < syl; s++) {
          b.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
        }
        name = Character.toUpperCase(b.charAt(0)) + b.substring(1);
      }
      if (!used.add(BrandKeys.key(name))) { // the registry dedupes by key
        continue;
      }
      int want = 1 + rnd.nextInt(3);
      for (int tries = 0; al.size() < want && tries < 6; tries++) {
        String a =
            switch (rnd.nextInt(3)) {
              case 0 -> name + " " + CITIES[rnd.nextInt(CITIES.length)];
              case 1 -> name + " " + LINES[rnd.nextInt(LINES.length)];
              default -> name + " Official";
            };
        if (!al.contains(a)) {
          al.add(a);
        }
      }
      names.add(name);
      aliases.add(al);
      floors.add(2_000L + rnd.nextInt(200_000));
    }
    List<List<String>> bank = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      bank.add(new ArrayList<>());
    }
    for (int j = 0; j < hashes; j++) {
      bank.get(j % count).add(phash(j));
      if (j % PDQ_EVERY == 0) {
        bank.get(j % count).add(pdq(j / PDQ_EVERY));
      }
    }
    List<BrandRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(
          new BrandRecord(
              names.get(i),
              aliases.get(i).toArray(String[]::new),
              floors.get(i),
              "GBP",
              bank.get(i).toArray(String[]::new),
              names.get(i) + " Rights Ltd"));
    }
    return out;
  }

  /** Bank pHash number {@code j} (independent of the registry size). */
  static long phashBits(int j) {
    return mix(SEED ^ (0x9E3779B97F4A7C15L * (j + 1)));
  }

  static String phash(int j) {
    return hex(phashBits(j));
  }

  static String pdq(int k) {
    StringBuilder b = new StringBuilder(64);
    for (int w = 0; w < 4; w++) {
      b.append(hex(pdqWord(k, w)));
    }
    return b.toString();
  }

  private static long pdqWord(int k, int w) {
    return mix(~SEED ^ (0xC2B2AE3D27D4EB4FL * (4L * k + w + 1)));
  }

  /** The reference data for a registry, compiled exactly as the job does. */
  public static ReferenceData compile(CompiledPolicy policy, int brandCount, int hashes) {
    return ReferenceData.compile(
        brands(brandCount, hashes), policy.phashMaxDistance(), policy.pdqMaxDistance());
  }

  // ------------------------------------------------------------------ sellers

  /** Seller states the events are scored against (index 0 is "no state yet", i.e. null). */
  public static final int UNKNOWN = 0;

  public static final int NEW_UNVERIFIED = 1;
  public static final int NEW_VERIFIED = 2;
  public static final int ESTABLISHED = 3;
  public static final int AUTHORIZED = 4;
  public static final int PENALIZED = 5;

  /** Indices (into the popular brands) the AUTHORIZED seller may resell. */
  static final int[] AUTHORIZED_BRANDS = {17, 123, 456, 789, 1_500};

  public static SellerState[] sellerStates(Evaluator ev, List<BrandRecord> brands) {
    String[] authorized = new String[AUTHORIZED_BRANDS.length];
    for (int i = 0; i < authorized.length; i++) {
      authorized[i] = brands.get(AUTHORIZED_BRANDS[i]).brand();
    }
    SellerState[] s = new SellerState[6];
    s[UNKNOWN] = null;
    s[NEW_UNVERIFIED] = profile(ev, "s-new", 2, false, new String[0]);
    s[NEW_VERIFIED] = profile(ev, "s-new-kyc", 10, true, new String[0]);
    s[ESTABLISHED] = profile(ev, "s-est", 900, true, new String[0]);
    s[AUTHORIZED] = profile(ev, "s-auth", 1_500, true, authorized);
    SellerState p = profile(ev, "s-pen", 400, true, new String[0]);
    p =
        ev.applySellerEvent(
            WardenEvent.ofComplaint(
                "pc-1",
                EVENT_TIME - 5 * DAY,
                "GB",
                new Complaint("c-1", brands.get(3).brand(), "l-x", "s-pen", "owner")),
            p);
    p =
        ev.applySellerEvent(
            WardenEvent.ofOutcome(
                "po-1", EVENT_TIME - 3 * DAY, "GB", new Outcome("l-x", "s-pen", "", true)),
            p);
    s[PENALIZED] = p;
    return s;
  }

  private static SellerState profile(
      Evaluator ev, String id, int ageDays, boolean kyc, String[] authorized) {
    return ev.applySellerEvent(
        WardenEvent.ofSeller(
            "p-" + id,
            EVENT_TIME - DAY,
            "GB",
            new SellerProfile(id, EVENT_TIME - ageDays * DAY, kyc, authorized)),
        null);
  }

  private static final String[] SELLER_IDS = {
    "s-unknown", "s-new", "s-new-kyc", "s-est", "s-auth", "s-pen"
  };

  // ------------------------------------------------------------------ events

  /**
   * The generated events: wire bytes, decoded events, and the seller state index and category of
   * each.
   */
  public record Events(byte[][] wire, WardenEvent[] events, int[] seller, Category[] category) {
    public int size() {
      return events.length;
    }
  }

  /**
   * {@code n} listing events from the realistic mix, or only of {@code only} when it is not null.
   * Brand names come from the first {@link #POPULAR_BRANDS} of {@code brands} (which must hold at
   * least that many).
   */
  public static Events events(int n, List<BrandRecord> brands, Category only) {
    if (brands.size() < POPULAR_BRANDS || phashCount(brands) < NEAR_HASH_POOL) {
      throw new IllegalArgumentException(
          "need at least " + POPULAR_BRANDS + " brands and " + NEAR_HASH_POOL + " bank hashes");
    }
    SplittableRandom rnd =
        new SplittableRandom(SEED * 31 + (only == null ? 0 : only.ordinal() + 1));
    byte[][] wire = new byte[n][];
    WardenEvent[] events = new WardenEvent[n];
    int[] seller = new int[n];
    Category[] cats = new Category[n];
    for (int i = 0; i < n; i++) {
      Category c = only != null ? only : pick(rnd);
      int r = rnd.nextInt(REGIONS.length);
      String region = REGIONS[r];
      String currency = CURRENCIES[r];
      int sellerIdx = pickSeller(rnd);
      int brandIdx = rnd.nextInt(POPULAR_BRANDS);
      BrandRecord brand = brands.get(brandIdx);
      String product = PRODUCTS[rnd.nextInt(PRODUCTS.length)];
      ListingUpsert.Builder l = ListingUpsert.newBuilder().setListingId("l-" + i);
      long price = 500 + rnd.nextInt(30_000);
      switch (c) {
        case LEGIT -> l.setTitle(GENERIC[rnd.nextInt(GENERIC.length)]).setCategory("home");
        case LEGIT_IMAGE ->
            l.setTitle(GENERIC[rnd.nextInt(GENERIC.length)])
                .setCategory("home")
                .addImagePhashes(hex(rnd.nextLong()));
        case BRANDED_AUTHORIZED -> {
          sellerIdx = AUTHORIZED;
          brand = brands.get(AUTHORIZED_BRANDS[rnd.nextInt(AUTHORIZED_BRANDS.length)]);
          l.setTitle(brand.brand() + " " + product + ", authentic, full set")
              .setDeclaredBrand(brand.brand())
              .setCategory("fashion");
          price = brand.minPriceMinor() + rnd.nextInt(100_000);
          region = "GB";
          currency = "GBP";
        }
        case BRANDED_RESALE -> {
          l.setTitle(brand.brand() + " " + product + ", pre-owned, good condition")
              .setCategory("fashion");
          if (rnd.nextBoolean()) {
            l.setDeclaredBrand(brand.brand());
          }
          price = brand.minPriceMinor() + rnd.nextInt(50_000);
          region = "GB";
          currency = "GBP";
        }
        case COMPATIBILITY ->
            l.setTitle(
                    String.format(Locale.ROOT, COMPAT[rnd.nextInt(COMPAT.length)], brand.brand()))
                .setCategory("electronics");
        case COUNTERFEIT_TERMS -> {
          l.setTitle(
                  brand.brand()
                      + " "
                      + product
                      + " "
                      + COUNTERFEIT[rnd.nextInt(COUNTERFEIT.length)])
              .setCategory("fashion");
          price = brand.minPriceMinor() / 10 + 100;
          region = "GB";
          currency = "GBP";
        }
        case OBFUSCATED -> {
          l.setTitle(obfuscate(brand.brand(), rnd) + " " + product + " AAA").setCategory("fashion");
          price = brand.minPriceMinor() / 20 + 50;
          region = "GB";
          currency = "GBP";
        }
        case PROHIBITED ->
            l.setTitle(PROHIBITED[rnd.nextInt(PROHIBITED.length)]).setCategory("misc");
        case COUNTERFEIT_IMAGE -> {
          long h = phashBits(rnd.nextInt(NEAR_HASH_POOL));
          for (int f = 1 + rnd.nextInt(3); f > 0; f--) {
            h ^= 1L << rnd.nextInt(64);
          }
          l.setTitle(product + " new with tags").setCategory("fashion").addImagePhashes(hex(h));
        }
        case BELOW_FLOOR -> {
          l.setTitle(brand.brand() + " " + product + ", brand new")
              .setDeclaredBrand(brand.brand())
              .setCategory("fashion");
          price = Math.max(100, brand.minPriceMinor() / 5);
          region = "GB";
          currency = "GBP";
        }
        case INNOCENT_VOCAB ->
            l.setTitle(INNOCENT[rnd.nextInt(INNOCENT.length)]).setCategory("home");
        case FOREIGN -> {
          String t = FOREIGN[rnd.nextInt(FOREIGN.length)];
          l.setTitle(rnd.nextInt(4) == 0 ? brand.brand() + " " + t : t).setCategory("home");
          r = 4 + rnd.nextInt(2);
          region = REGIONS[r];
          currency = CURRENCIES[r];
        }
        case LONG_DESCRIPTION -> {
          l.setTitle(GENERIC[rnd.nextInt(GENERIC.length)]).setCategory("home");
          StringBuilder d = new StringBuilder();
          int target = 1_500 + rnd.nextInt(1_500);
          while (d.length() < target) {
            d.append(SENTENCES[rnd.nextInt(SENTENCES.length)]).append(' ');
            if (rnd.nextInt(12) == 0) {
              d.append("Similar in style to ")
                  .append(brands.get(rnd.nextInt(POPULAR_BRANDS)).brand())
                  .append(". ");
            }
          }
          l.setDescription(d.toString().strip());
        }
        case PDQ_IMAGE -> {
          StringBuilder b = new StringBuilder(64);
          boolean near = rnd.nextBoolean();
          int k = rnd.nextInt(NEAR_HASH_POOL / PDQ_EVERY);
          for (int w = 0; w < 4; w++) {
            long word =
                near
                    ? pdqWord(k, w) ^ (1L << rnd.nextInt(64)) ^ (1L << rnd.nextInt(64))
                    : rnd.nextLong();
            b.append(hex(word));
          }
          l.setTitle(product + " with box").setCategory("fashion").addImagePhashes(b.toString());
        }
        default -> throw new AssertionError(c);
      }
      if (c != Category.LONG_DESCRIPTION && rnd.nextDouble() < 0.3) {
        l.setDescription("Ships in 2 days. " + l.getTitle() + ". Returns accepted within 30 days.");
      }
      l.setSellerId(SELLER_IDS[sellerIdx])
          .setPrice(Money.newBuilder().setAmountMinor(price).setCurrency(currency));
      Event.Builder e =
          Event.newBuilder()
              .setEventId("e-" + i)
              .setEventTime(EventCodec.timestamp(EVENT_TIME))
              .setRegion(region);
      Event ev = (rnd.nextInt(10) == 0 ? e.setListingEdited(l) : e.setListingCreated(l)).build();
      wire[i] = ev.toByteArray();
      try {
        events[i] = EventCodec.decode(wire[i]);
      } catch (InvalidEventException ex) {
        throw new IllegalStateException(
            "generated event " + i + " (" + c + ") is invalid: " + ex.getMessage(), ex);
      }
      seller[i] = sellerIdx;
      cats[i] = c;
    }
    return new Events(wire, events, seller, cats);
  }

  private static int phashCount(List<BrandRecord> brands) {
    int n = 0;
    for (BrandRecord b : brands) {
      for (String h : b.counterfeitImageHashes()) {
        n += h.length() == 16 ? 1 : 0;
      }
    }
    return n;
  }

  private static Category pick(SplittableRandom rnd) {
    double x = rnd.nextDouble();
    for (Category c : Category.values()) {
      x -= c.share;
      if (x < 0) {
        return c;
      }
    }
    return Category.LEGIT;
  }

  private static int pickSeller(SplittableRandom rnd) {
    double x = rnd.nextDouble();
    return x < 0.10
        ? UNKNOWN
        : x < 0.25 ? NEW_UNVERIFIED : x < 0.35 ? NEW_VERIFIED : x < 0.95 ? ESTABLISHED : PENALIZED;
  }

  private static String obfuscate(String brand, SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> String.join(".", brand.split("")); // G.u.c.c.i
      case 1 -> brand.replace('o', '0').replace('O', '0').replace('i', '1').replace('e', '3');
      case 2 ->
          brand
              .replace('a', '\u0430')
              .replace('o', '\u043e')
              .replace('e', '\u0435'); // Cyrillic look-alikes
      default -> {
        StringBuilder b = new StringBuilder(); // fullwidth
        for (char ch : brand.toUpperCase(Locale.ROOT).toCharArray()) {
          b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch - 'A' + '\uFF21') : ch);
        }
        yield b.toString();
      }
    };
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }
}
