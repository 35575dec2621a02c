package dev.warden.demo;

import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.BrandRegistration;
import dev.warden.proto.v1.CreatorProfile;
import dev.warden.proto.v1.EnforcementOutcome;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.IprComplaint;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.LiveStreamEvent;
import dev.warden.proto.v1.Money;
import dev.warden.proto.v1.SellerProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Realistic synthetic marketplace traffic, deterministic for a seed: brand registrations (real
 * brand names; floor prices and counterfeit image hashes are made up here), seller and creator
 * profiles first, then a mix of listing creates and edits, live-stream moments, complaints and
 * outcomes, some of them violating, and a few malformed records. Event times are the time {@link
 * #next} is called, so event-to-verdict latency means something.
 *
 * <p>Seller activity is Zipf-distributed. Profiles (steady, flash sale, live-stream spike) are
 * shaped by the load tools around this generator ({@code ./warden load generate}).
 */
public final class TrafficGenerator {
  /** How many recent listings edits choose from. */
  private static final int RECENT = 4_096;

  /** What a generated record is, for the demo's bookkeeping. */
  public enum Kind {
    STATE, // produces no verdict (profiles, brands, complaints, outcomes)
    SCORED, // must produce exactly one verdict
    MALFORMED // must produce exactly one dead-letter record
  }

  /**
   * One record to produce. {@code label} names the intended violation ("" for legitimate traffic).
   * Well-formed records carry their {@code event} and are serialized only when {@link #value()} is
   * asked for (the load bench hands the event to the publish-path client, which serializes it
   * itself); malformed ones carry only their raw bytes.
   */
  public record Generated(
      String key, Event event, byte[] raw, String eventId, Kind kind, String label) {
    static Generated of(String key, Event e, Kind kind, String label) {
      return new Generated(key, e, null, e.getEventId(), kind, label);
    }

    /** The record's bytes as they go on the wire. */
    public byte[] value() {
      return raw != null ? raw : event.toByteArray();
    }
  }

  private static final String[] REGIONS = {"GB", "GB", "GB", "DE", "DE", "FR", "US", "SG"};
  private static final String[] CURRENCIES = {
    "GBP", "GBP", "GBP", "EUR", "EUR", "EUR", "USD", "SGD"
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
  private static final String[] GENERIC = {
    "Vintage oak side table",
    "Handmade ceramic mug set",
    "Kids wooden train set",
    "Kitchen knife set, stainless steel",
    "Ivory coloured wedding dress, size 12",
    "Cardboard box set of 20",
    "Boxing gloves 12oz",
    "Phone case compatible with iPhone 15",
    "Canvas weekend bag",
    "Fake fur throw blanket",
    "Scale replica model of a Spitfire",
    "AAA batteries, pack of 24",
    "Garden hose 30m",
    "Cotton bed sheets, king",
    "Yoga mat with carry strap",
    "LED desk lamp",
    "Children's picture books bundle",
    "Cast iron skillet 28cm",
    "Handgestrickter Wollschal",
    "Lampe de chevet en laiton",
    "Mountain bike helmet",
    "Dog bed, washable cover"
  };
  private static final String[] PROHIBITED = {
    "Automatic switchblade knife, spring assisted",
    "Brass knuckles duster, solid",
    "Genuine elephant ivory carving, antique",
    "Pangolin scales, 100g",
    "Springmesser mit Automatik-Öffnung",
    "Pepper spray for self defence, 50ml",
    "Fake passport, any country",
    "Liquid mercury 1kg flask",
    "Crystal meth pipe, glass"
  };
  private static final String[] COUNTERFEIT = {
    "AAA replica",
    "super copy 1:1",
    "mirror quality",
    "same factory",
    "inspired by",
    "high copy",
    "Replik"
  };
  private static final String[] TRANSCRIPT_LEGIT = {
    "welcome everyone, today we have great deals on home goods",
    "this lamp is solid brass and the shipping is free",
    "thanks for joining, drop a comment with your size",
    "these mugs are handmade in Stoke-on-Trent"
  };

  private final SplittableRandom rnd;

  /**
   * The bank's filler hashes come from their own stream, so the traffic is the same whatever the
   * bank's size.
   */
  private final SplittableRandom bankRnd;

  private final int bankHashes;
  private final List<BrandCatalog.Entry> catalog;
  private final int brandCount;
  private final int sellerCount;
  private final int creatorCount;
  private final double violationShare;
  private final double malformedShare;
  private final long[] brandHashes;
  private final long[] brandFloors;
  private final boolean[] sellerEstablished;
  private final int[] sellerAuthorizedBrand;
  private final List<Generated> setup = new ArrayList<>();
  private int setupCursor;
  private long seq;
  private long listingSeq;

  /**
   * Recently created listings and their sellers: an edit is made by the listing's own seller,
   * mostly soon after.
   */
  private final long[] recentListing = new long[RECENT];

  private final int[] recentSeller = new int[RECENT];
  private long streamSeq;

  /** As below, with a bank of one counterfeit image hash per brand. */
  public TrafficGenerator(long seed, long totalHint, double violationShare, double malformedShare) {
    this(seed, totalHint, violationShare, malformedShare, 0);
  }

  /**
   * @param totalHint how many records the run will produce; sizes the brand, seller and creator
   *     population so that a small run is still mostly traffic
   * @param bankHashes how many counterfeit image hashes the brand registrations carry in all (the
   *     image-hash bank every listing photo is looked up in); each brand has at least the one its
   *     counterfeit-image violations are near duplicates of, the rest are spread evenly over the
   *     brands. The traffic after the setup records does not depend on it.
   */
  public TrafficGenerator(
      long seed, long totalHint, double violationShare, double malformedShare, int bankHashes) {
    if (bankHashes < 0) {
      throw new IllegalArgumentException("bankHashes must be 0 or more, got " + bankHashes);
    }
    this.rnd = new SplittableRandom(seed);
    this.bankRnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.catalog = BrandCatalog.load();
    this.brandCount = (int) Math.max(10, Math.min(catalog.size(), totalHint / 10));
    this.bankHashes = Math.max(bankHashes, brandCount);
    this.sellerCount = (int) Math.max(10, Math.min(20_000, totalHint / 8));
    this.creatorCount = (int) Math.max(3, Math.min(200, totalHint / 100));
    this.violationShare = violationShare;
    this.malformedShare = malformedShare;
    this.brandHashes = new long[brandCount];
    this.brandFloors = new long[brandCount];
    this.sellerEstablished = new boolean[sellerCount];
    this.sellerAuthorizedBrand = new int[sellerCount];
  }

  /** How many counterfeit image hashes the brand registrations carry in all. */
  public int bankHashes() {
    return bankHashes;
  }

  /** How many setup records (brands, sellers, creators) come before the traffic. */
  public int setupSize() {
    return brandCount + sellerCount + creatorCount;
  }

  /** The next record to produce, stamped with {@code nowMillis}. */
  public Generated next(long nowMillis) {
    return next(nowMillis, 0.09);
  }

  /**
   * The next record, with {@code liveShare} of the traffic being live-stream moments (about 0.09
   * normally).
   */
  public Generated next(long nowMillis, double liveShare) {
    if (setupCursor < setupSize()) {
      return setupRecord(setupCursor++, nowMillis);
    }
    double x = rnd.nextDouble();
    if (x < malformedShare) {
      return malformed();
    }
    x = rnd.nextDouble();
    if (x < liveShare) {
      return live(nowMillis);
    }
    x = rnd.nextDouble();
    if (x < 0.88) {
      return listing(nowMillis, false);
    } else if (x < 0.97) {
      return listing(nowMillis, true);
    } else if (x < 0.985) {
      return complaint(nowMillis);
    } else {
      return outcome(nowMillis);
    }
  }

  private Generated setupRecord(int i, long now) {
    if (i < brandCount) {
      BrandCatalog.Entry b = catalog.get(i);
      brandHashes[i] = rnd.nextLong();
      brandFloors[i] = 2_000 + rnd.nextInt(200_000);
      var reg =
          BrandRegistration.newBuilder()
              .setBrand(b.brand())
              .addAllAliases(b.aliases())
              .setMinPrice(money(brandFloors[i], "GBP"))
              .addCounterfeitImagePhashes(hex64(brandHashes[i]))
              .setRightsOwner(b.brand() + " Rights Ltd");
      int extra = bankHashes - brandCount;
      for (int k = extra / brandCount + (i < extra % brandCount ? 1 : 0); k > 0; k--) {
        reg.addCounterfeitImagePhashes(hex64(bankRnd.nextLong()));
      }
      return state(b.brand(), envelope("brand", now, "GB").setBrandRegistered(reg).build());
    }
    i -= brandCount;
    if (i < sellerCount) {
      boolean established = rnd.nextDouble() < 0.8;
      sellerEstablished[i] = established;
      sellerAuthorizedBrand[i] =
          established && rnd.nextDouble() < 0.3 ? rnd.nextInt(brandCount) : -1;
      long age =
          established
              ? (200 + rnd.nextInt(2_000)) * 86_400_000L
              : rnd.nextInt(5) * 86_400_000L + 3_600_000L;
      var p =
          SellerProfile.newBuilder()
              .setSellerId(sellerId(i))
              .setRegisteredAt(EventCodec.timestamp(now - age))
              .setKycVerified(established || rnd.nextDouble() < 0.3);
      if (sellerAuthorizedBrand[i] >= 0) {
        p.addAuthorizedBrands(catalog.get(sellerAuthorizedBrand[i]).brand());
      }
      return state(sellerId(i), envelope("seller", now, "GB").setSellerUpdated(p).build());
    }
    i -= sellerCount;
    var c =
        CreatorProfile.newBuilder()
            .setCreatorId(creatorId(i))
            .setRegisteredAt(EventCodec.timestamp(now - (30 + rnd.nextInt(900)) * 86_400_000L))
            .setFollowers(rnd.nextInt(500_000));
    return state(creatorId(i), envelope("creator", now, "GB").setCreatorUpdated(c).build());
  }

  private Generated listing(long now, boolean edit) {
    int r = pickRegion();
    String region = REGIONS[r];
    String currency = CURRENCIES[r];
    int seller;
    String listingId;
    if (edit && listingSeq > 0 && rnd.nextDouble() < 0.8) {
      // One of the recently created listings, edited by the seller who created it.
      int slot = rnd.nextInt((int) Math.min(listingSeq, RECENT));
      seller = recentSeller[slot];
      listingId = "l-" + recentListing[slot];
    } else {
      seller = skewedSeller();
      long seq = listingSeq++;
      recentListing[(int) (seq % RECENT)] = seq;
      recentSeller[(int) (seq % RECENT)] = seller;
      listingId = "l-" + seq;
    }
    var l = ListingUpsert.newBuilder().setListingId(listingId).setSellerId(sellerId(seller));
    String label = "";
    int brand = rnd.nextInt(brandCount);
    String brandName = catalog.get(brand).brand();
    String product = PRODUCTS[rnd.nextInt(PRODUCTS.length)];
    if (rnd.nextDouble() < violationShare) {
      switch (rnd.nextInt(5)) {
        case 0 -> { // counterfeit: brand + vocabulary + implausible price
          label = "counterfeit";
          l.setTitle(brandName + " " + product + " " + COUNTERFEIT[rnd.nextInt(COUNTERFEIT.length)])
              .setPrice(money(brandFloors[brand] / 10 + 100, "GBP"))
              .setCategory("fashion");
          region = "GB";
        }
        case 1 -> { // obfuscated brand, below floor
          label = "counterfeit_obfuscated";
          l.setTitle(obfuscate(brandName) + " " + product + " AAA")
              .setPrice(money(brandFloors[brand] / 20 + 50, "GBP"))
              .setCategory("fashion");
          region = "GB";
        }
        case 2 -> { // prohibited product
          label = "prohibited";
          l.setTitle(PROHIBITED[rnd.nextInt(PROHIBITED.length)])
              .setPrice(money(1_000 + rnd.nextInt(20_000), currency))
              .setCategory("misc");
        }
        case 3 -> { // known counterfeit image, a couple of bits off
          label = "counterfeit_image";
          long h = brandHashes[brand] ^ (1L << rnd.nextInt(64)) ^ (1L << rnd.nextInt(64));
          l.setTitle(product + " new with tags")
              .setPrice(money(3_000 + rnd.nextInt(10_000), currency))
              .setCategory("fashion")
              .addImagePhashes(hex64(h));
        }
        default -> { // unauthorized brand resale far below the floor
          label = "below_floor";
          l.setTitle(brandName + " " + product + ", brand new")
              .setDeclaredBrand(brandName)
              .setPrice(money(Math.max(100, brandFloors[brand] / 5), "GBP"))
              .setCategory("fashion");
          region = "GB";
        }
      }
    } else if (sellerAuthorizedBrand[seller] >= 0 && rnd.nextDouble() < 0.5) {
      int b = sellerAuthorizedBrand[seller];
      BrandCatalog.Entry e = catalog.get(b);
      l.setTitle(e.brand() + " " + product + ", authentic, full set")
          .setDeclaredBrand(e.brand())
          .setPrice(money(brandFloors[b] + rnd.nextInt(100_000), "GBP"))
          .setCategory("fashion");
      region = "GB";
    } else {
      l.setTitle(GENERIC[rnd.nextInt(GENERIC.length)])
          .setPrice(money(500 + rnd.nextInt(30_000), currency))
          .setCategory("home");
      if (rnd.nextDouble() < 0.5) {
        l.addImagePhashes(hex64(rnd.nextLong()));
      }
    }
    if (rnd.nextDouble() < 0.3) {
      l.setDescription("Ships in 2 days. " + l.getTitle() + ". Returns accepted within 30 days.");
    }
    Event.Builder ev = envelope("e", now, region);
    Event e = (edit ? ev.setListingEdited(l) : ev.setListingCreated(l)).build();
    return Generated.of(sellerId(seller), e, Kind.SCORED, label);
  }

  private Generated live(long now) {
    int creator = rnd.nextInt(creatorCount);
    String stream = "ls-" + creatorId(creator) + "-" + (streamSeq % 3);
    var s = LiveStreamEvent.newBuilder().setStreamId(stream).setCreatorId(creatorId(creator));
    String label = "";
    double x = rnd.nextDouble();
    if (x < 0.1) {
      s.setKind(LiveStreamEvent.Kind.STARTED);
      streamSeq++;
    } else if (x < 0.2) {
      s.setKind(LiveStreamEvent.Kind.PRODUCT_PINNED)
          .setListingId("l-" + rnd.nextLong(Math.max(1, listingSeq)))
          .setSellerId(sellerId(skewedSeller()));
    } else if (x < 0.25) {
      s.setKind(LiveStreamEvent.Kind.ENDED);
    } else {
      s.setKind(LiveStreamEvent.Kind.TRANSCRIPT);
      if (rnd.nextDouble() < violationShare) {
        label = "live_counterfeit";
        String brand = catalog.get(rnd.nextInt(brandCount)).brand();
        s.setText("this " + brand + " is a mirror quality copy, nobody can tell the difference");
      } else {
        s.setText(TRANSCRIPT_LEGIT[rnd.nextInt(TRANSCRIPT_LEGIT.length)]);
      }
    }
    Event e = envelope("e", now, "GB").setLiveStream(s).build();
    return Generated.of(creatorId(creator), e, Kind.SCORED, label);
  }

  private Generated complaint(long now) {
    int seller = skewedSeller();
    var c =
        IprComplaint.newBuilder()
            .setComplaintId("c-" + seq)
            .setBrand(catalog.get(rnd.nextInt(brandCount)).brand())
            .setListingId("l-" + rnd.nextLong(Math.max(1, listingSeq)))
            .setSellerId(sellerId(seller))
            .setRightsOwner("rights owner");
    return state(sellerId(seller), envelope("e", now, "GB").setIprComplaint(c).build());
  }

  private Generated outcome(long now) {
    int seller = skewedSeller();
    var o =
        EnforcementOutcome.newBuilder()
            .setListingId("l-" + rnd.nextLong(Math.max(1, listingSeq)))
            .setSellerId(sellerId(seller))
            .setOutcome(
                rnd.nextDouble() < 0.7
                    ? EnforcementOutcome.Outcome.UPHELD
                    : EnforcementOutcome.Outcome.OVERTURNED);
    return state(sellerId(seller), envelope("e", now, "GB").setEnforcementOutcome(o).build());
  }

  private Generated malformed() {
    String id = "bad-" + (seq++);
    byte[] value;
    if (rnd.nextBoolean()) {
      value = ("not protobuf at all: " + id).getBytes(StandardCharsets.UTF_8);
    } else {
      // Well-formed protobuf that fails validation: a listing without a seller.
      value =
          Event.newBuilder()
              .setEventId(id)
              .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
              .setRegion("GB")
              .setListingCreated(
                  ListingUpsert.newBuilder().setListingId("l-x").setTitle("no seller"))
              .build()
              .toByteArray();
    }
    return new Generated("malformed", null, value, id, Kind.MALFORMED, "malformed");
  }

  private Generated state(String key, Event e) {
    return Generated.of(key, e, Kind.STATE, "");
  }

  private Event.Builder envelope(String prefix, long now, String region) {
    return Event.newBuilder()
        .setEventId(prefix + "-" + (seq++))
        .setEventTime(EventCodec.timestamp(now))
        .setRegion(region);
  }

  /**
   * Zipf-distributed seller activity: a few sellers post many listings, most post a few. The
   * exponent is mild because demo and load runs compress hours of a marketplace into seconds: a
   * steeper one would put every hot seller over the velocity allowance.
   */
  private int skewedSeller() {
    if (zipfCdf == null) {
      zipfCdf = new double[sellerCount];
      double sum = 0;
      for (int i = 0; i < sellerCount; i++) {
        sum += 1.0 / Math.pow(i + 1, ZIPF_EXPONENT);
        zipfCdf[i] = sum;
      }
      for (int i = 0; i < sellerCount; i++) {
        zipfCdf[i] /= sum;
      }
    }
    int i = java.util.Arrays.binarySearch(zipfCdf, rnd.nextDouble());
    return Math.min(sellerCount - 1, i < 0 ? -i - 1 : i);
  }

  private double[] zipfCdf;
  private static final double ZIPF_EXPONENT = 0.7;

  private int pickRegion() {
    return rnd.nextInt(REGIONS.length);
  }

  private String obfuscate(String brand) {
    return switch (rnd.nextInt(4)) {
      case 0 -> String.join(".", brand.split("")); // G.u.c.c.i
      case 1 -> brand.replace('o', '0').replace('O', '0').replace('i', '1').replace('e', '3');
      case 2 ->
          brand
              .replace('a', '\u0430')
              .replace('o', '\u043e')
              .replace('e', '\u0435'); // Cyrillic look-alikes
      default ->
          brand
              .toUpperCase(Locale.ROOT)
              .chars()
              .mapToObj(
                  ch ->
                      ch >= 'A' && ch <= 'Z'
                          ? String.valueOf((char) (ch - 'A' + '\uFF21'))
                          : String.valueOf((char) ch))
              .reduce("", String::concat); // fullwidth
    };
  }

  private static String sellerId(int i) {
    return "s-" + i;
  }

  private static String creatorId(int i) {
    return "c-" + i;
  }

  private static Money money(long minor, String currency) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency(currency).build();
  }

  private static String hex64(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }
}
