#!/usr/bin/env python3
"""Generates the labelled evaluation set eval-set.jsonl (and known-gaps.jsonl) for `./warden eval`.

Deterministic, standard library only. Run from anywhere:

    python3 core/src/test/resources/eval/make_eval_set.py

Each output line is a warden.v1.LabelledEvent in protobuf JSON form:
    {"expect": "BLOCK", "family": "ipr", "case": "...", "event": {...warden.v1.Event...}}
State events (brand_registered, seller_updated, creator_updated, ipr_complaint,
enforcement_outcome) carry no "expect".

Labels are what a demanding marketplace governance team wants, not what the engine happens to
say. Cases where the engine disagrees with the true label are NOT in eval-set.jsonl: they are
written to known-gaps.jsonl (same format, true label) as bugs to fix, and move into the main
set (fixed_gaps) once fixed. There are none open at the moment.

Scoring arithmetic used when constructing cases (default policy, hold 0.5 / block 0.9):
  seller: unknown 0.35, new account 0.2, unverified 0.15, penalty 0.4 * min(1, points/10),
          velocity 0.3 (new/unverified allowance 20 per 10 min + 0.05 per listing scored)
  ipr:    brand mention 0.1, unauthorized 0.2, below floor 0.4 (0.5 in watches/jewellery),
          counterfeit terms 0.5 with a brand / 0.25 without, counterfeit image 0.9
  listing edit after a PASS 0.3; prohibited term hard BLOCK; restricted term hard HOLD (0.5)
  live:   pinned flagged listing 0.6, pinned penalized seller 0.3, stream risk
          0.5 * min(1, accumulated/0.9), creator penalty 0.3 * min(1, points/10)
So a new unverified seller starts at 0.35, a new KYC-verified seller at 0.2, an established
verified one at 0.0.
"""
import datetime as _dt
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "eval-set.jsonl")
GAPS = os.path.join(HERE, "known-gaps.jsonl")

RNG = random.Random(20261120)


# --------------------------------------------------------------------------- clock and writers

class Clock:
    """Event time, strictly increasing. Default step 90 s keeps any one seller far below the
    velocity allowance outside the deliberate bursts."""

    def __init__(self, start):
        self.t = start

    def tick(self, seconds=90):
        self.t += _dt.timedelta(seconds=seconds)
        return self.t

    def align(self, minutes=10):
        """Jumps to the next multiple of `minutes` (the velocity window is aligned to it)."""
        self.tick(60)
        m = (self.t.minute // minutes + 1) * minutes
        base = self.t.replace(minute=0, second=0, microsecond=0)
        self.t = base + _dt.timedelta(minutes=m)
        return self.t


START = _dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=_dt.timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_before(days):
    return iso(START - _dt.timedelta(days=days))


class Writer:
    def __init__(self, prefix):
        self.lines = []
        self.prefix = prefix
        self.n = 0
        self.clock = Clock(START)

    def event(self, region, payload_name, payload, step=90):
        self.n += 1
        t = self.clock.tick(step) if step else self.clock.t
        return {"event_id": "%s-%04d" % (self.prefix, self.n), "event_time": iso(t), "region": region,
                payload_name: payload}

    def state(self, region, payload_name, payload, step=90):
        self.lines.append({"event": self.event(region, payload_name, payload, step)})

    def case(self, expect, family, desc, region, payload_name, payload, step=90):
        assert expect in ("PASS", "HOLD", "BLOCK"), expect
        self.lines.append({"expect": expect, "family": family, "case": desc,
                           "event": self.event(region, payload_name, payload, step)})

    def write(self, path, header):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for h in header:
                f.write("// " + h + "\n")
            for line in self.lines:
                f.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")


CURRENCY = {"GB": "GBP", "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "US": "USD", "SG": "SGD"}


def money(amount_major, currency):
    return {"amount_minor": int(round(amount_major * 100)), "currency": currency}


# --------------------------------------------------------------------------- image hashes

def rand_hash():
    return "%016x" % RNG.getrandbits(64)


def flip(h, bits, salt=0):
    """`h` with `bits` distinct bit positions flipped (deterministic per salt)."""
    r = random.Random(int(h, 16) ^ (salt * 0x9E3779B97F4A7C15 & (2 ** 64 - 1)) ^ bits)
    v = int(h, 16)
    for b in r.sample(range(64), bits):
        v ^= 1 << b
    return "%016x" % v


def hamming(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


# --------------------------------------------------------------------------- reference data

# (brand, aliases, floor, currency, rights owner, number of counterfeit images)
BRANDS = [
    ("Omega", ["Seamaster", "Speedmaster"], 1500, "GBP", "Omega SA", 2),
    ("Rolex", ["Submariner", "Daytona", "Datejust"], 3000, "GBP", "Rolex SA", 2),
    ("Gucci", ["Marmont", "Dionysus"], 150, "GBP", "Guccio Gucci S.p.A.", 2),
    ("Louis Vuitton", ["Neverfull", "Speedy 30"], 400, "GBP", "Louis Vuitton Malletier", 2),
    ("Chanel", ["Chanel No 5", "Coco Mademoiselle"], 80, "GBP", "Chanel Ltd", 1),
    ("Nike", ["Air Jordan", "Air Force 1", "Dunk Low"], 50, "GBP", "Nike Inc", 2),
    ("Apple", ["iPhone", "AirPods", "MacBook", "iPad"], 90, "GBP", "Apple Inc", 2),
    ("Dyson", ["Airwrap", "Supersonic"], 200, "GBP", "Dyson Ltd", 1),
    ("Lego", ["Lego Technic", "Duplo"], 8, "GBP", "LEGO A/S", 1),
    ("Ray-Ban", ["Wayfarer", "Clubmaster"], 70, "GBP", "Luxottica", 1),
    ("Cartier", ["Santos de Cartier", "Juste un Clou"], 1200, "GBP", "Cartier International", 1),
    ("Hermes", ["Birkin", "Hermès"], 2500, "GBP", "Hermès International", 2),
    ("Prada", ["Re-Edition"], 300, "GBP", "Prada S.p.A.", 1),
    ("Burberry", [], 150, "GBP", "Burberry Ltd", 1),
    ("Pandora", [], 25, "GBP", "Pandora A/S", 1),
    ("Adidas", ["Yeezy", "Ultraboost"], 60, "EUR", "adidas AG", 2),
    ("Montblanc", ["Meisterstück"], 150, "EUR", "Montblanc-Simplo GmbH", 1),
    ("Rimowa", [], 400, "EUR", "Rimowa GmbH", 1),
    ("Balenciaga", ["Triple S"], 300, "EUR", "Balenciaga SAS", 1),
    ("Dior", ["Lady Dior", "Sauvage"], 90, "EUR", "Christian Dior Couture", 2),
    ("Swarovski", [], 40, "EUR", "Swarovski AG", 1),
    ("Moncler", ["Maya jacket"], 500, "EUR", "Moncler S.p.A.", 1),
    # Ambiguous brands: ordinary words, counted only when corroborated.
    ("Box", [], 20, "GBP", "Box Audio Ltd", 1),
    ("Arc", [], 30, "GBP", "Arc Outdoor Ltd", 1),
    ("Go", [], 25, "GBP", "Go Mobility Ltd", 1),
]

IMAGES = {}  # brand -> [hashes]
for _b in BRANDS:
    IMAGES[_b[0]] = [rand_hash() for _ in range(_b[5])]
ALL_FAKE_IMAGES = [h for hs in IMAGES.values() for h in hs]


def clean_image():
    """A random image hash far (>= 20 bits) from every known counterfeit image."""
    while True:
        h = rand_hash()
        if min(hamming(h, x) for x in ALL_FAKE_IMAGES) >= 20:
            return h


def register_brands(w):
    for brand, aliases, floor, cur, owner, _n in BRANDS:
        w.state("GB", "brand_registered", {
            "brand": brand, "aliases": aliases, "min_price": money(floor, cur),
            "counterfeit_image_phashes": IMAGES[brand], "rights_owner": owner}, step=5)


SELLERS = {
    # id: (days registered before START, kyc, authorized brands, region)
    "s-gb-new": (1, False, [], "GB"),        # new, unverified
    "s-gb-new2": (1, False, [], "GB"),       # new, unverified (ambiguous-word and exception cases)
    "s-gb-newkyc": (2, True, [], "GB"),      # new, verified
    "s-gb-est": (2400, True, [], "GB"),      # established, verified, no authorizations
    "s-gb-est2": (1500, True, [], "GB"),     # established, verified (accessories shop)
    "s-gb-auth": (3100, True, ["Omega", "Rolex", "Apple", "Dyson", "Cartier", "Lego"], "GB"),
    "s-de-new": (1, False, [], "DE"),
    "s-de-est": (2000, True, [], "DE"),
    "s-de-auth": (2600, True, ["Adidas", "Montblanc", "Rimowa", "Dior"], "DE"),
    "s-fr-est": (1800, True, [], "FR"),
    "s-fr-new": (1, False, [], "FR"),
    "s-es-est": (1700, True, [], "ES"),
    "s-es-new": (1, False, [], "ES"),
    "s-it-new": (1, False, [], "IT"),
    "s-us-est": (2200, True, [], "US"),
    "s-sg-est": (1900, True, [], "SG"),
    "s-gb-pen": (2100, True, [], "GB"),      # accumulates upheld outcomes and complaints
    "s-gb-over": (1600, True, [], "GB"),     # upheld twice, then one overturned
    "s-gb-one": (1400, True, [], "GB"),      # one upheld outcome (category overrides)
    "s-gb-burst-new": (1, False, [], "GB"),  # velocity: new unverified
    "s-gb-burst-est": (2500, True, [], "GB"),  # velocity: established merchant
    "s-gb-bait-new": (1, False, [], "GB"),   # bait and switch
    "s-gb-bait-est": (1300, True, [], "GB"),
    "s-gb-live": (2300, True, [], "GB"),     # listings pinned in live streams
}

CREATORS = {
    "cr-clean": (900, 25000),
    "cr-border": (400, 3100),
    "cr-fake": (30, 800),
    "cr-pen": (700, 12000),
    "cr-pin": (1000, 54000),
}


def register_profiles(w, sellers=None, creators=None):
    for sid, (days, kyc, auth, region) in SELLERS.items():
        if sellers is not None and sid not in sellers:
            continue
        p = {"seller_id": sid, "registered_at": days_before(days), "kyc_verified": kyc}
        if auth:
            p["authorized_brands"] = auth
        w.state(region, "seller_updated", p, step=5)
    for cid, (days, followers) in CREATORS.items():
        if creators is not None and cid not in creators:
            continue
        w.state("GB", "creator_updated", {"creator_id": cid, "registered_at": days_before(days),
                                          "followers": str(followers)}, step=5)


# --------------------------------------------------------------------------- listing helper

class Listings:
    def __init__(self, w):
        self.w = w
        self.n = 0

    def new_id(self, prefix="l"):
        self.n += 1
        return "%s-%04d" % (prefix, self.n)

    def create(self, expect, family, desc, seller, title, price, category, region=None, description="",
               declared="", images=None, currency=None, listing_id=None, edited=False, step=90):
        region = region or SELLERS[seller][3]
        cur = currency or CURRENCY[region]
        lid = listing_id or self.new_id()
        p = {"listing_id": lid, "seller_id": seller, "title": title, "category": category,
             "price": money(price, cur)}
        if description:
            p["description"] = description
        if declared:
            p["declared_brand"] = declared
        if images:
            p["image_phashes"] = images
        name = "listing_edited" if edited else "listing_created"
        if expect is None:
            self.w.state(region, name, p, step=step)
        else:
            self.w.case(expect, family, desc, region, name, p, step=step)
        return lid


# =========================================================================== the main set

def build_main():
    w = Writer("ev")
    L = Listings(w)
    register_brands(w)
    register_profiles(w)

    ipr(w, L)
    prohibited(w, L)
    restricted(w, L)
    seller(w, L)
    listing(w, L)
    live(w, L)
    category(w, L)
    fixed_gaps(w, L)
    return w


# --------------------------------------------------------------------------- ipr

def ipr(w, L):
    f = "ipr"
    # Counterfeit vocabulary with a brand. New unverified seller: 0.35 + 0.1 + 0.2 + 0.5 (+ floor).
    new_gb = [
        ("Rolex Submariner replica, automatic movement", 120, "watches"),
        ("Omega Seamaster 1:1 copy, ceramic bezel", 95, "watches"),
        ("Gucci Marmont bag AAA grade with dust bag", 45, "bags"),
        ("Louis Vuitton Neverfull mirror quality tote", 60, "bags"),
        ("Super copy Cartier Santos de Cartier, steel", 150, "watches"),
        ("Chanel No 5 dupe 100ml eau de parfum", 12, "beauty"),
        ("Air Jordan 1 high top knockoff, all sizes", 35, "shoes"),
        ("AirPods Pro fake, works with all phones", 18, "electronics"),
        ("Dyson Airwrap imitation full set", 55, "beauty"),
        ("Ray-Ban Wayfarer replicas, UV400 lenses", 9, "accessories"),
        ("Hermès Birkin 30 top copy, togo leather", 220, "bags"),
        ("Pandora charm bracelet, same factory as the real one", 14, "jewellery"),
    ]
    for title, price, cat in new_gb:
        L.create("BLOCK", f, "new unverified seller, brand + counterfeit vocabulary: " + title, "s-gb-new", title,
                 price, cat, images=[clean_image()])
    # Same vocabulary from an established seller, price below the floor: 0.1 + 0.2 + 0.4/0.5 + 0.5 -> BLOCK.
    est_gb = [
        ("Rolex Daytona homage, panda dial", 180, "watches"),
        ("Gucci Dionysus shoulder bag, inspired by the original", 70, "bags"),
        ("Nike Dunk Low knock off, panda colourway", 25, "shoes"),
        ("Louis Vuitton Speedy 30 master copy", 90, "bags"),
        ("iPad Pro 12.9 replica, android inside", 65, "electronics"),
    ]
    for title, price, cat in est_gb:
        L.create("BLOCK", f, "established seller, brand + counterfeit vocabulary below floor: " + title,
                 "s-gb-est", title, price, cat)
    # Established seller, counterfeit vocabulary + brand at a plausible price: 0.8 -> HOLD (human review).
    L.create("HOLD", f, "established seller, 'replica' + brand above the floor", "s-gb-est",
             "Omega Speedmaster Moonwatch replica, sapphire", 1800, "watches")
    L.create("HOLD", f, "established seller, 'inspired by' + brand above the floor", "s-gb-est",
             "Evening clutch inspired by Chanel, quilted lambskin", 240, "bags")

    # Below-floor unauthorized resale, no counterfeit vocabulary.
    L.create("HOLD", f, "established unauthorized seller, Rolex far below floor", "s-gb-est",
             "Rolex Datejust 36mm, two tone, boxed", 450, "watches", declared="Rolex")
    L.create("HOLD", f, "established unauthorized seller, Louis Vuitton below floor", "s-gb-est",
             "Louis Vuitton monogram wallet, new with tags", 85, "accessories")
    L.create("HOLD", f, "established unauthorized seller, MacBook below floor", "s-gb-est2",
             "Apple MacBook Air M3 sealed", 60, "electronics", declared="Apple")
    L.create("BLOCK", f, "new unverified seller, Omega far below floor", "s-gb-new",
             "Omega Seamaster Aqua Terra, men's", 220, "watches")
    L.create("BLOCK", f, "new unverified seller, Dyson below floor", "s-gb-new",
             "Dyson Supersonic hair dryer, brand new", 49, "beauty")
    L.create("HOLD", f, "new unverified seller names a brand above the floor (unauthorized, unverified)",
             "s-gb-new2", "Nike Air Force 1 trainers, size 9", 85, "shoes")
    L.create("BLOCK", f, "new KYC-verified seller, Gucci belt at a quarter of the floor (0.2 + 0.7)", "s-gb-newkyc",
             "Gucci GG belt, black leather", 35, "accessories")
    L.create("BLOCK", f, "DE established seller, Yeezy below EUR floor with counterfeit vocabulary", "s-de-est",
             "Adidas Yeezy Boost 350, Nachbildung in Top-Qualität", 45, "shoes")
    L.create("HOLD", f, "DE established seller, Montblanc below EUR floor", "s-de-est",
             "Montblanc Meisterstück Füller, neu", 40, "office")

    # Known counterfeit images (pHash within 8 bits), plain titles.
    for brand, bits, seller, title, price, cat in [
        ("Rolex", 0, "s-gb-est", "Men's automatic diver watch, steel bracelet", 140, "watches"),
        ("Rolex", 2, "s-gb-est", "Gents steel watch with date window", 160, "watches"),
        ("Gucci", 1, "s-gb-est2", "Leather shoulder bag, gold hardware", 55, "bags"),
        ("Louis Vuitton", 3, "s-gb-est2", "Brown canvas tote, monogram print", 70, "bags"),
        ("Nike", 4, "s-gb-new", "Basketball trainers, white and red", 30, "shoes"),
        ("Apple", 2, "s-gb-new2", "Wireless earbuds with charging case", 15, "electronics"),
        ("Adidas", 1, "s-de-est", "Laufschuhe, weiß, Gr. 42", 35, "shoes"),
        ("Dior", 4, "s-de-est", "Damen Handtasche, schwarz", 80, "bags"),
        ("Box", 1, "s-gb-est", "Bluetooth speaker, compact", 12, "electronics"),
    ]:
        h = flip(IMAGES[brand][0], bits) if bits else IMAGES[brand][0]
        L.create("BLOCK", f, "known counterfeit %s image, %d bit(s) off, plain title" % (brand, bits), seller,
                 title, price, cat, images=[clean_image(), h])
    for brand, bits, seller, title, price, cat in [
        ("Rolex", 12, "s-gb-est", "Men's steel dress watch, quartz", 140, "watches"),
        ("Gucci", 10, "s-gb-est2", "Leather crossbody bag, tan", 55, "bags"),
        ("Nike", 14, "s-gb-est", "Running trainers, grey", 30, "shoes"),
        ("Omega", 11, "s-gb-est2", "Chronograph watch, black dial", 90, "watches"),
    ]:
        h = flip(IMAGES[brand][0], bits)
        assert min(hamming(h, x) for x in ALL_FAKE_IMAGES) > 8
        L.create("PASS", f, "image %d bits from a known %s counterfeit (beyond 8): no match" % (bits, brand),
                 seller, title, price, cat, images=[h])

    # Obfuscation. New unverified seller + counterfeit vocabulary -> BLOCK; established seller + below
    # floor, no vocabulary -> HOLD (only when the brand is recognized).
    obf_new = [
        ("upper case", "ROLEX DIVER WATCH AAA QUALITY", 90, "watches"),
        ("diacritics", "Rólèx diver watch, replica", 90, "watches"),
        ("Cyrillic o", "R\u043elex diver, 1:1 mirror copy", 90, "watches"),
        ("Cyrillic C and c", "\u0421hanel quilted bag, repli\u0441a", 60, "bags"),
        ("Greek omicron", "\u039fmega chronograph, super copy", 80, "watches"),
        ("zero-width space", "Ro\u200blex oyster homage watch", 85, "watches"),
        ("zero-width joiner and soft hyphen", "Lou\u200dis Vuit\u00adton bag, AAA grade", 65, "bags"),
        ("spaced letters", "O m e g a style watch, replica", 70, "watches"),
        ("spaced capitals", "G U C C I belt, knockoff, all sizes", 18, "accessories"),
        ("dotted letters", "R.o.l.e.x watch 1:1", 95, "watches"),
        ("hyphenated letters", "C-H-A-N-E-L flap bag, mirror grade", 90, "bags"),
        ("digit swap 0", "R0lex oyster perpetual replica", 99, "watches"),
        ("digit swap 1", "Gucc1 slides, fake, cheap", 15, "shoes"),
        ("digit swap 4", "Ch4nel ballet flats super copy", 35, "shoes"),
        ("digit swaps", "L0u1s Vu1tt0n keepall, first copy", 80, "bags"),
        ("fullwidth", "\uff32\uff2f\uff2c\uff25\uff38 watch replica", 100, "watches"),
        ("at sign", "Pr@da nylon backpack, high copy", 40, "bags"),
        ("Cyrillic i", "N\u0456ke tech fleece, fake", 20, "clothing"),
    ]
    for how, title, price, cat in obf_new:
        L.create("BLOCK", f, "obfuscated brand (%s) + counterfeit vocabulary, new unverified seller" % how,
                 "s-gb-new" if len(w.lines) % 2 else "s-gb-new2", title, price, cat)
    obf_est = [
        ("Cyrillic e", "Rol\u0435x oyster, 36mm", 400, "watches"),
        ("zero-width non-joiner", "Car\u200ctier tank watch", 300, "watches"),
        ("spaced letters", "O M E G A automatic watch", 250, "watches"),
        ("digit swap", "H3rmes Kelly style bag, epsom", 300, "bags"),
        ("fullwidth", "\uff24\uff59\uff53\uff4f\uff4e hair dryer", 60, "beauty"),
        ("diacritics", "Gūccí horsebit loafers", 60, "shoes"),
        ("underscore letters", "B_U_R_B_E_R_R_Y trench coat", 90, "clothing"),
    ]
    for how, title, price, cat in obf_est:
        L.create("HOLD", f, "obfuscated brand (%s) below floor, established unauthorized seller" % how,
                 "s-gb-est2", title, price, cat)

    # Multi-language counterfeit vocabulary.
    L.create("BLOCK", f, "DE: 'Replik' + brand, new unverified seller", "s-de-new",
             "Rolex Submariner Replik, Automatikwerk", 110, "watches")
    L.create("BLOCK", f, "DE: 'Fälschung' + brand, new unverified seller", "s-de-new",
             "Dior Sauvage Parfüm, gute Fälschung", 15, "beauty")
    L.create("BLOCK", f, "DE: 'Imitat' + brand below EUR floor, established seller", "s-de-est",
             "Balenciaga Triple S Imitat, Größe 43", 60, "shoes")
    L.create("BLOCK", f, "DE: 'Nachbildung' + brand below EUR floor, established seller", "s-de-est",
             "Rimowa Koffer Nachbildung, Aluminium", 90, "luggage")
    L.create("BLOCK", f, "FR: 'réplique' + brand, new unverified seller", "s-fr-new",
             "Sac Lady Dior réplique, cuir", 70, "bags")
    L.create("BLOCK", f, "FR: 'contrefaçon' + brand below EUR floor, established seller", "s-fr-est",
             "Doudoune Moncler contrefaçon, taille M", 80, "clothing")
    L.create("BLOCK", f, "FR: 'copie conforme' + brand, new unverified seller", "s-fr-new",
             "Montre Cartier copie conforme", 120, "watches")
    L.create("BLOCK", f, "ES: 'réplica' + brand, new unverified seller", "s-es-new",
             "Bolso Balenciaga réplica, piel", 55, "bags")
    L.create("BLOCK", f, "ES: 'imitación' + brand below EUR floor, established seller", "s-es-est",
             "Zapatillas Adidas Yeezy imitación", 30, "shoes")
    L.create("BLOCK", f, "ES: 'copia exacta' + brand below EUR floor, established seller", "s-es-est",
             "Pluma Montblanc Meisterstück copia exacta", 25, "office")
    L.create("BLOCK", f, "IT: 'imitazione' + brand, new unverified seller", "s-it-new",
             "Borsa Gucci Marmont imitazione perfetta", 45, "bags")
    L.create("BLOCK", f, "IT: 'copia perfetta' + brand, new unverified seller", "s-it-new",
             "Orologio Rolex Daytona copia perfetta", 130, "watches")

    # Legitimate look-alikes: compatibility references (PASS).
    compat = [
        ("s-gb-est2", "GB", "Silicone case compatible with iPhone 15 Pro, clear", 9, "phone accessories"),
        ("s-gb-est2", "GB", "Replacement strap for Omega Speedmaster, 20mm leather", 35, "watch accessories"),
        ("s-gb-est2", "GB", "HEPA filter fits Dyson V11 and V15 cordless vacuums", 12, "home"),
        ("s-gb-est2", "GB", "Replacement for Dyson Airwrap round brush attachment", 14, "beauty"),
        ("s-gb-est2", "GB", "Lens cleaning kit suitable for Ray-Ban Wayfarer", 7, "accessories"),
        ("s-gb-est2", "GB", "LED light kit fit for Lego Technic cars", 19, "toys"),
        ("s-gb-est", "GB", "Watch winder box, strap for Rolex Submariner included", 45, "watch accessories"),
        ("s-gb-new2", "GB", "Tempered glass case for iPhone 14, new seller", 5, "phone accessories"),
        ("s-de-est", "DE", "Ladekabel passend für iPhone 15, USB-C", 8, "electronics"),
        ("s-de-est", "DE", "Schutzhülle kompatibel mit AirPods Pro", 9, "electronics"),
        ("s-fr-est", "FR", "Coque compatible avec iPhone 13, silicone", 8, "phone accessories"),
        ("s-fr-est", "FR", "Bracelet de remplacement pour Omega Seamaster", 30, "watch accessories"),
        ("s-es-est", "ES", "Funda para iPhone 12, cuero", 10, "phone accessories"),
        ("s-es-est", "ES", "Correa compatible con Rolex Submariner, caucho", 25, "watch accessories"),
    ]
    for seller, region, title, price, cat in compat:
        L.create("PASS", f, "compatibility reference: " + title, seller, title, price, cat, region=region)

    # Authorized and plausible resale (PASS).
    L.create("PASS", f, "authorized reseller, Omega above floor", "s-gb-auth",
             "Omega Seamaster Diver 300M, full set 2024", 3900, "watches", declared="Omega")
    L.create("PASS", f, "authorized reseller, Rolex above floor", "s-gb-auth",
             "Rolex Submariner Date 126610LN, unworn", 11500, "watches", declared="Rolex")
    L.create("PASS", f, "authorized reseller, iPhone above floor", "s-gb-auth",
             "Apple iPhone 15 128GB, sealed", 699, "electronics", declared="Apple")
    L.create("PASS", f, "authorized reseller, Lego set above floor", "s-gb-auth",
             "Lego Technic 42115 Lamborghini, sealed", 320, "toys", declared="Lego")
    L.create("PASS", f, "authorized reseller DE, Montblanc above EUR floor", "s-de-auth",
             "Montblanc Meisterstück 149 Füllfederhalter", 690, "office", declared="Montblanc")
    L.create("PASS", f, "authorized reseller DE, Rimowa above EUR floor", "s-de-auth",
             "Rimowa Original Cabin, Silber", 1100, "luggage", declared="Rimowa")
    L.create("PASS", f, "established unauthorized resale above the floor (Rolex)", "s-gb-est",
             "Pre-owned Rolex Datejust 41, 2019, box and papers", 7800, "watches", declared="Rolex")
    L.create("PASS", f, "established unauthorized resale above the floor (Gucci)", "s-gb-est",
             "Gucci Marmont small shoulder bag, pre-loved", 780, "bags")
    L.create("PASS", f, "established unauthorized resale above the floor (Nike)", "s-gb-est2",
             "Nike Air Jordan 1 Retro High OG, size 10, worn once", 160, "shoes")
    L.create("PASS", f, "established unauthorized resale above EUR floor (Adidas)", "s-de-est",
             "Adidas Ultraboost 22, Gr. 44, neuwertig", 95, "shoes")
    L.create("PASS", f, "established unauthorized resale above EUR floor (Dior)", "s-fr-est",
             "Sac Lady Dior medium, noir, certificat", 3200, "bags")

    # Ambiguous-word brands and counterfeit-vocabulary exceptions in ordinary text (PASS, new seller at 0.35).
    ordinary = [
        ("Cardboard box, pack of 20, double wall", 14, "packaging"),
        ("Boxing gloves 12oz, red", 25, "sports"),
        ("Go kart steering wheel, 300mm", 40, "motors"),
        ("Ready, set, go: children's board game", 12, "toys"),
        ("Arc welding helmet, auto darkening", 35, "tools"),
        ("Rainbow arc wall sticker for nursery", 8, "home"),
        ("Apple tree sapling, Bramley, 1.2m", 22, "garden"),
        ("Fake fur throw blanket, grey, 150x200", 30, "home"),
        ("Fake plants for home decor, set of 3", 18, "home"),
        ("Fake leather sofa cover, brown", 35, "home"),
        ("AAA batteries, pack of 24, alkaline", 9, "electronics"),
        ("Rechargeable AAA batteries with charger", 15, "electronics"),
        ("1:18 scale replica model of a vintage tractor", 28, "toys"),
        ("Movie prop replica sword, wall display", 60, "collectables"),
        ("Fake snow spray for Christmas windows", 5, "home"),
        ("Jewellery box with mirror, velvet lined", 19, "home"),
    ]
    for title, price, cat in ordinary:
        L.create("PASS", f, "ordinary words / exceptions, new unverified seller: " + title, "s-gb-new2", title,
                 price, cat)
    L.create("PASS", f, "ambiguous word 'Go' from an established seller", "s-gb-est2",
             "Grab and go lunch bag, insulated", 11, "kitchen")
    L.create("PASS", f, "ambiguous brand corroborated only when declared: plain 'box' in a title", "s-gb-est",
             "Shoe box storage set, clear plastic", 16, "home")
    L.create("HOLD", f, "ambiguous brand Box declared by a new unverified seller (above its floor)", "s-gb-new2",
             "Box portable speaker, black", 29, "electronics", declared="Box")
    L.create("BLOCK", f, "ambiguous brand Arc corroborated by counterfeit vocabulary, new seller", "s-gb-new2",
             "Arc trekking jacket replica, waterproof", 25, "clothing")
    L.create("PASS", f, "'replica jersey stand' exception, established seller", "s-gb-est2",
             "Replica jersey stand, acrylic display", 20, "collectables")
    L.create("PASS", f, "'imitation' without brand from an established seller (costume jewellery)", "s-gb-est2",
             "Imitation pearl necklace, 45cm", 12, "jewellery")


# --------------------------------------------------------------------------- prohibited

def prohibited(w, L):
    f = "prohibited"
    block = [
        # weapons
        ("s-gb-est", "GB", "Switchblade knife, 9cm blade", 40, "outdoor"),
        ("s-gb-est", "GB", "Vintage flick knife, stag handle", 80, "collectables"),
        ("s-gb-est", "GB", "Butterfly knife with sharp steel blade", 25, "outdoor"),
        ("s-gb-est", "GB", "Balisong, titanium handles", 70, "outdoor"),
        ("s-gb-est2", "GB", "Brass knuckles, solid", 15, "collectables"),
        ("s-gb-est2", "GB", "Knuckle-duster belt buckle", 20, "accessories"),
        ("s-us-est", "US", "Drop in auto sear for AR15", 60, "sporting goods"),
        ("s-us-est", "US", "Bump stock, fits most rifles", 120, "sporting goods"),
        ("s-us-est", "US", "80% lower receiver kit with jig", 150, "sporting goods"),
        ("s-us-est", "US", "Solvent trap kit, 1/2x28 thread", 90, "sporting goods"),
        ("s-us-est", "US", "Ghost gun build parts", 200, "sporting goods"),
        ("s-de-est", "DE", "Springmesser mit Automatik-Öffnung", 35, "outdoor"),
        ("s-de-est", "DE", "Schlagring aus Messing", 12, "collectables"),
        ("s-de-est", "DE", "Butterflymesser, scharf", 20, "outdoor"),
        ("s-fr-est", "FR", "Couteau papillon, lame acier", 25, "outdoor"),
        ("s-fr-est", "FR", "Poing américain en laiton", 18, "collectables"),
        ("s-es-est", "ES", "Navaja automática, hoja 10cm", 30, "outdoor"),
        ("s-es-est", "ES", "Puño americano de acero", 15, "collectables"),
        ("s-it-new", "IT", "Tirapugni in acciaio", 14, "collectables"),
        # wildlife
        ("s-gb-est", "GB", "Carved elephant ivory tusk, antique", 900, "antiques"),
        ("s-gb-est", "GB", "Netsuke figure, genuine ivory", 400, "antiques"),
        ("s-gb-est2", "GB", "Pangolin scales, dried, traditional medicine", 80, "health"),
        ("s-gb-est", "GB", "Tiger skin rug with head", 2000, "home"),
        ("s-sg-est", "SG", "Dried shark fin, premium grade 500g", 250, "food"),
        ("s-sg-est", "SG", "Bear bile capsules", 60, "health"),
        ("s-de-est", "DE", "Elfenbein Schnitzerei, Figur 15cm", 500, "antiques"),
        ("s-fr-est", "FR", "Statuette en ivoire sculpté", 450, "antiques"),
        ("s-es-est", "ES", "Figura de marfil tallado", 380, "antiques"),
        ("s-de-est", "DE", "Nashorn Pulver, echt", 200, "health"),
        # drugs
        ("s-gb-new", "GB", "Pure cocaine, next day delivery", 60, "other"),
        ("s-gb-new2", "GB", "Crystal meth shards 1g", 40, "other"),
        ("s-us-est", "US", "Fentanyl patches 100mcg", 80, "health"),
        ("s-gb-new", "GB", "LSD tabs, 10 pack", 45, "other"),
        ("s-gb-new2", "GB", "Magic mushrooms, dried, 14g", 35, "other"),
        ("s-us-est", "US", "Psilocybin microdose capsules", 40, "health"),
        ("s-us-est", "US", "Oxycodone without prescription, 30 tablets", 90, "health"),
        ("s-de-new", "DE", "Kokain, reine Qualität", 70, "other"),
        ("s-es-new", "ES", "Cocaína pura, envío rápido", 65, "other"),
        # counterfeit currency and documents
        ("s-gb-new", "GB", "Counterfeit banknotes, £20 notes, undetectable", 100, "other"),
        ("s-gb-new2", "GB", "Fake money for sale, passes pen test", 50, "other"),
        ("s-gb-new", "GB", "Fake passport, any country", 500, "other"),
        ("s-gb-new2", "GB", "Fake ID cards, scannable", 90, "other"),
        ("s-gb-est2", "GB", "Novelty passport, realistic", 150, "other"),
        ("s-gb-new", "GB", "Fake driving licence UK", 200, "other"),
        ("s-de-new", "DE", "Falschgeld 50 Euro Scheine", 100, "other"),
        ("s-de-new", "DE", "Gefälschter Ausweis, echt aussehend", 300, "other"),
        ("s-fr-new", "FR", "Faux billets de 50 euros", 90, "other"),
        ("s-fr-new", "FR", "Faux passeport français", 400, "other"),
        ("s-es-new", "ES", "Billetes falsos de 20 euros", 80, "other"),
        # hazardous chemicals
        ("s-gb-est2", "GB", "Potassium cyanide 100g, lab grade", 60, "industrial"),
        ("s-gb-est", "GB", "Thermite kit, ready to ignite", 40, "industrial"),
        ("s-gb-est2", "GB", "Liquid mercury 1kg, sealed flask", 120, "industrial"),
        ("s-gb-est2", "GB", "Red mercury, rare", 999, "industrial"),
        ("s-us-est", "US", "Tannerite binary targets, 10 pack", 45, "sporting goods"),
        ("s-gb-est", "GB", "Flash powder for pyrotechnics 250g", 35, "industrial"),
        ("s-de-est", "DE", "Zyankali Kapseln", 80, "industrial"),
        # recalled products
        ("s-gb-est", "GB", "Fisher-Price Rock n Play Sleeper, grey", 40, "baby"),
        ("s-gb-est2", "GB", "Rock 'n Play sleeper, barely used", 35, "baby"),
        ("s-gb-est", "GB", "Samsung Galaxy Note 7, 64GB", 120, "electronics"),
        ("s-us-est", "US", "Inclined sleeper for newborns", 30, "baby"),
        ("s-us-est", "US", "Takata airbag module, driver side", 80, "motors"),
    ]
    for seller, region, title, price, cat in block:
        L.create("BLOCK", f, "prohibited: " + title, seller, title, price, cat, region=region)

    # Obfuscated prohibited terms.
    obf = [
        ("s-gb-est", "GB", "digit swap", "Sw1tchblade, spring assisted", 40, "outdoor"),
        ("s-gb-est2", "GB", "spaced letters", "k n u c k l e d u s t e r, brass", 15, "collectables"),
        ("s-gb-est", "GB", "Cyrillic i", "Fl\u0456ck kn\u0456fe, vintage", 60, "collectables"),
        ("s-gb-est2", "GB", "zero-width space", "Butter\u200bfly knife, live blade", 25, "outdoor"),
        ("s-gb-est", "GB", "fullwidth", "\uff22\uff41\uff4c\uff49\uff53\uff4f\uff4e\uff47 for sale", 50, "outdoor"),
        ("s-gb-new", "GB", "dotted letters", "C.O.C.A.I.N.E available", 60, "other"),
        ("s-us-est", "US", "digit swap", "F3ntanyl powder", 70, "other"),
        ("s-gb-new2", "GB", "upper case + diacritics", "KÉTAMINE crystals", 30, "other"),
        ("s-gb-est", "GB", "Cyrillic o", "Elephant iv\u043ery bangle", 300, "antiques"),
        ("s-gb-est2", "GB", "digit swap", "Cyan1de capsules", 40, "industrial"),
        ("s-gb-new", "GB", "hyphenated", "F-A-K-E P-A-S-S-P-O-R-T", 400, "other"),
    ]
    for seller, region, how, title, price, cat in obf:
        L.create("BLOCK", f, "obfuscated prohibited term (%s): %s" % (how, title), seller, title, price, cat,
                 region=region)

    # Legitimate look-alikes (PASS). New unverified seller (0.35) where the text must not add anything.
    legit = [
        ("s-gb-new2", "GB", "Kitchen knife set, 5 pieces with block", 35, "kitchen"),
        ("s-gb-est", "GB", "Chef's knife 20cm, Japanese steel", 60, "kitchen"),
        ("s-de-est", "DE", "Küchenmesser Set, 6-teilig", 45, "kitchen"),
        ("s-gb-new2", "GB", "Butterfly knife trainer, blunt, no edge", 15, "toys"),
        ("s-gb-est2", "GB", "Balisong trainer, aluminium", 20, "toys"),
        ("s-gb-new2", "GB", "Butterfly hair clips, 12 pack", 4, "accessories"),
        ("s-gb-est", "GB", "Brass door knocker, lion head", 25, "home"),
        ("s-gb-new2", "GB", "Ivory coloured wedding dress, size 10", 250, "clothing"),
        ("s-gb-new2", "GB", "Ivory silk scarf, hand rolled", 30, "accessories"),
        ("s-gb-est2", "GB", "Faux ivory piano key stickers", 8, "music"),
        ("s-gb-est2", "GB", "Ivory cardstock A4, 50 sheets", 9, "crafts"),
        ("s-gb-est2", "GB", "Single origin coffee beans from Côte d'Ivoire, 250g", 9, "food"),
        ("s-gb-new2", "GB", "Chunky knit blanket in ivory", 40, "home"),
        ("s-fr-est", "FR", "Robe de mariée blanc ivoire, taille 38", 300, "clothing"),
        ("s-es-est", "ES", "Vestido color marfil, talla M", 45, "clothing"),
        ("s-gb-new2", "GB", "Pangolin plush, 30cm", 18, "toys"),
        ("s-gb-est2", "GB", "Pangolin soft toy for toddlers", 15, "toys"),
        ("s-gb-est2", "GB", "Pangolin print T-shirt, organic cotton", 20, "clothing"),
        ("s-gb-new2", "GB", "Heroin chic vintage band tee", 25, "clothing"),
        ("s-gb-est2", "GB", "Ecstasy pills album, 1992 vinyl pressing", 30, "music"),
        ("s-gb-est", "GB", "Counterfeit money detector pen, 3 pack", 6, "office"),
        ("s-gb-new2", "GB", "Counterfeit detector pen for banknotes", 4, "office"),
        ("s-gb-est2", "GB", "Leather passport holder, navy", 15, "accessories"),
        ("s-gb-new2", "GB", "ID card holder lanyard", 3, "office"),
        ("s-gb-est", "GB", "Thermite welding kit instructions book", 12, "books"),
        ("s-gb-est", "GB", "Samsung Galaxy Note 10, 256GB, unlocked", 260, "electronics"),
        ("s-gb-est2", "GB", "Baby bouncer, not recalled, safety tested", 45, "baby"),
        ("s-gb-new2", "GB", "Oyster mushroom grow kit", 20, "garden"),
    ]
    for seller, region, title, price, cat in legit:
        L.create("PASS", f, "legitimate look-alike: " + title, seller, title, price, cat, region=region)


# --------------------------------------------------------------------------- restricted

def restricted(w, L):
    f = "restricted"
    rows = [
        ("BLOCK", "s-gb-est", "GB", "Pepper spray 50ml, keyring", 15, "outdoor"),
        ("BLOCK", "s-gb-est2", "GB", "CS spray canister", 20, "outdoor"),
        ("BLOCK", "s-gb-est", "GB", "Stun gun flashlight 5000kV", 30, "outdoor"),
        ("BLOCK", "s-gb-est2", "GB", "Taser for self protection", 60, "outdoor"),
        ("BLOCK", "s-gb-est", "GB", "Defence spray gel, UV dye", 18, "outdoor"),
        ("BLOCK", "s-gb-est2", "GB", "P3pper spray, compact", 12, "outdoor"),
        ("BLOCK", "s-sg-est", "SG", "Pepper spray for joggers", 25, "outdoor"),
        ("BLOCK", "s-sg-est", "SG", "Vape pen starter kit", 40, "health"),
        ("BLOCK", "s-sg-est", "SG", "Disposable vape 5000 puffs, mango", 15, "health"),
        ("BLOCK", "s-sg-est", "SG", "E-liquid 30ml, menthol", 12, "health"),
        ("BLOCK", "s-sg-est", "SG", "Pod kit with two cartridges", 30, "health"),
        ("BLOCK", "s-sg-est", "SG", "Heated tobacco sticks, 10 packs", 60, "health"),
        ("BLOCK", "s-sg-est", "SG", "V@pe pen, refillable", 35, "health"),
        ("BLOCK", "s-sg-est", "SG", "Taser, rechargeable", 50, "outdoor"),
        ("HOLD", "s-de-est", "DE", "Pfefferspray 40ml, Abwehrspray", 9, "outdoor"),
        ("HOLD", "s-de-est", "DE", "Tierabwehrspray gegen Hunde", 12, "outdoor"),
        ("HOLD", "s-de-est", "DE", "Pepper spray, Jet-Strahl", 10, "outdoor"),
        ("HOLD", "s-de-est", "DE", "CS Gas Spray 40ml", 11, "outdoor"),
        ("HOLD", "s-de-est", "DE", "Defence spray for cyclists", 14, "outdoor"),
        ("HOLD", "s-fr-est", "FR", "Bombe lacrymogène 50ml", 15, "outdoor"),
        ("HOLD", "s-fr-est", "FR", "Spray au poivre de défense", 13, "outdoor"),
        ("HOLD", "s-es-est", "ES", "Spray pimienta para defensa personal", 12, "outdoor"),
        ("PASS", "s-us-est", "US", "Pepper spray 4oz, police strength", 20, "outdoor"),
        ("PASS", "s-us-est", "US", "Stun gun flashlight, rechargeable", 30, "outdoor"),
        ("PASS", "s-us-est", "US", "Vape pen starter kit", 35, "health"),
        ("PASS", "s-gb-est", "GB", "Vape pen starter kit", 25, "health"),
        ("PASS", "s-gb-est2", "GB", "Disposable vape 600 puffs, blue razz", 6, "health"),
        ("PASS", "s-gb-est", "GB", "E-liquid 10ml, 20mg nic salt", 4, "health"),
        ("PASS", "s-de-est", "DE", "E-Liquid 10ml, Erdbeere", 5, "health"),
        ("PASS", "s-gb-est2", "GB", "Pepper spray antidote wipes", 8, "health"),
        ("PASS", "s-gb-est", "GB", "Salt and pepper grinder set", 18, "kitchen"),
        ("PASS", "s-sg-est", "SG", "Pepper grinder, ceramic mechanism", 20, "kitchen"),
    ]
    for expect, seller, region, title, price, cat in rows:
        L.create(expect, f, "%s in %s: %s" % (expect, region, title), seller, title, price, cat, region=region)


# --------------------------------------------------------------------------- seller

def seller(w, L):
    f = "seller"
    # Seller lifecycle basics.
    L.create("PASS", f, "new unverified seller, plain listing (0.35)", "s-gb-new", "Linen tea towels, set of 4",
             12, "kitchen")
    L.create("PASS", f, "new verified seller, plain listing (0.2)", "s-gb-newkyc", "Ceramic mug, handmade", 14,
             "kitchen")
    L.create("PASS", f, "established seller, plain listing", "s-gb-est", "Wool jumper, navy, size L", 35,
             "clothing")
    L.create("PASS", f, "unknown seller (no profile), plain listing (0.35)", "s-gb-ghost",
             "Garden hose reel, 30m", 28, "garden", region="GB")
    L.create("HOLD", f, "unknown seller (no profile) naming a brand (0.35 + 0.3)", "s-gb-ghost",
             "Nike Air Force 1, size 8, new", 80, "shoes", region="GB")
    L.create("BLOCK", f, "new verified seller, brand below floor (0.2 + 0.7)", "s-gb-newkyc",
             "Prada Re-Edition 2005 nylon bag", 120, "bags")

    # Velocity: the burst starts on a window boundary, one listing every 6 s (30 in 3 minutes).
    # New unverified seller: allowance 20 + 0.05 * listings scored before -> listings 1-21 PASS (0.35),
    # 22-30 HOLD (0.35 + 0.3).
    w.clock.align(10)
    items = ["Phone stand", "Desk organiser", "Cable ties", "Notebook A5", "Glass jar", "Candle", "Coaster set",
             "Plant pot", "Tote bag", "Keyring", "Bath towel", "Picture frame", "Sticky notes", "Wall clock",
             "Lunch box", "Water bottle", "Mouse pad", "USB hub", "Hair ties", "Socks 3 pack", "Wooden spoon",
             "Doormat", "Oven glove", "Pillowcase", "Ice tray", "Pen set", "Bookmark", "Tape measure", "Sponge",
             "Mug rack"]
    for i, item in enumerate(items, 1):
        exp = "PASS" if i <= 21 else "HOLD"
        L.create(exp, f, "velocity: new unverified seller, listing %d of 30 in 3 minutes" % i, "s-gb-burst-new",
                 "%s, new" % item, 5 + i, "home", step=6 if i > 1 else 0)
    # Established verified merchant: allowance 200 -> all PASS.
    w.clock.align(10)
    for i, item in enumerate(items, 1):
        L.create("PASS", f, "velocity: established merchant, listing %d of 30 in 3 minutes" % i,
                 "s-gb-burst-est", "%s, bulk stock" % item, 5 + i, "home", step=6 if i > 1 else 0)
    w.clock.tick(600)

    # Penalties. Before any penalty, an unauthorized branded listing above the floor passes (0.3).
    L.create("PASS", f, "penalty seller before any penalty: unauthorized brand above floor (0.3)", "s-gb-pen",
             "Gucci Marmont matelassé bag, pre-owned", 950, "bags")
    w.state("GB", "ipr_complaint", {"complaint_id": "c-pen-1", "brand": "Gucci", "listing_id": "l-pen-old-1",
                                    "seller_id": "s-gb-pen", "rights_owner": "Guccio Gucci S.p.A."})
    L.create("PASS", f, "penalty seller after one IPR complaint (2 points): unauthorized brand above floor "
             "(0.3 + 0.08)", "s-gb-pen", "Burberry trench coat, heritage, size 10", 800, "clothing")
    w.state("GB", "enforcement_outcome", {"listing_id": "l-pen-old-2", "seller_id": "s-gb-pen", "outcome": "UPHELD"})
    w.state("GB", "enforcement_outcome", {"listing_id": "l-pen-old-3", "seller_id": "s-gb-pen", "outcome": "UPHELD"})
    L.create("HOLD", f, "penalty seller after 10 points: unauthorized brand above floor (0.3 + 0.4)", "s-gb-pen",
             "Gucci Dionysus bag, small, pre-owned", 1100, "bags")
    L.create("HOLD", f, "penalty seller, second branded listing at a plausible price", "s-gb-pen",
             "Prada Re-Edition 2000 mini bag", 650, "bags")
    L.create("PASS", f, "penalty seller, unbranded listing (0.4 alone)", "s-gb-pen",
             "Plain cotton tote bag, natural", 10, "bags")
    L.create("BLOCK", f, "penalty seller, branded listing below floor (0.4 + 0.7)", "s-gb-pen",
             "Louis Vuitton Neverfull MM, monogram", 300, "bags")
    # Overturned outcome refunds points.
    w.state("GB", "enforcement_outcome", {"listing_id": "l-over-1", "seller_id": "s-gb-over", "outcome": "UPHELD"})
    w.state("GB", "enforcement_outcome", {"listing_id": "l-over-2", "seller_id": "s-gb-over", "outcome": "UPHELD"})
    L.create("HOLD", f, "two upheld outcomes (8 points): unauthorized brand above floor (0.3 + 0.32)",
             "s-gb-over", "Nike Air Jordan 4 Retro, size 9", 220, "shoes")
    w.state("GB", "enforcement_outcome", {"listing_id": "l-over-2", "seller_id": "s-gb-over",
                                          "outcome": "OVERTURNED"})
    L.create("PASS", f, "after an OVERTURNED appeal (4 points): same kind of listing (0.3 + 0.16)", "s-gb-over",
             "Nike Dunk Low Retro, size 9", 140, "shoes")
    L.create("PASS", f, "overturned seller, plain listing", "s-gb-over", "Running socks, 5 pairs", 12, "clothing")


# --------------------------------------------------------------------------- listing (bait and switch)

def listing(w, L):
    f = "listing"
    # Each pair: a clean listing that PASSes, then an edit of the same listing id.
    def pair(seller, title, price, cat, edit_expect, edit_desc, edit_title, edit_price=None, edit_images=None,
             images=None, description="", edit_description="", declared=""):
        lid = L.create("PASS", f, "bait and switch setup: " + title, seller, title, price, cat, images=images,
                       description=description)
        L.create(edit_expect, f, "edit after PASS: " + edit_desc, seller, edit_title,
                 edit_price if edit_price is not None else price, cat, images=edit_images or images,
                 description=edit_description or description, declared=declared, listing_id=lid, edited=True)
        return lid

    img = clean_image()
    # Established seller (0.0): brand below floor 0.7 + 0.3 -> BLOCK; brand above floor 0.3 + 0.3 -> HOLD.
    pair("s-gb-bait-est", "Leather card wallet, black", 30, "accessories", "BLOCK",
         "introduces a brand at a below-floor price", "Gucci leather card wallet, black")
    pair("s-gb-bait-est", "Automatic dive watch, 42mm", 2000, "watches", "HOLD",
         "introduces a brand (above floor) into an unbranded listing",
         "Omega automatic dive watch, 42mm")
    pair("s-gb-bait-est", "Canvas tote bag, beige", 25, "bags", "HOLD",
         "introduces counterfeit vocabulary (no brand): 0.25 + 0.3", "Canvas tote bag, beige, designer dupe")
    pair("s-gb-bait-est", "Hunting knife sheath, leather", 20, "outdoor", "BLOCK",
         "introduces a prohibited term", "Hunting sheath with switchblade included")
    pair("s-gb-bait-est", "Pre-owned Cartier Santos, box and papers", 4200, "watches", "BLOCK",
         "price collapses to a fraction of the floor", "Pre-owned Cartier Santos, box and papers", edit_price=250)
    pair("s-gb-bait-est", "Vintage table lamp, brass", 60, "home", "PASS",
         "harmless edit (typo fix, description added)", "Vintage table lamp, brass base",
         edit_description="Works perfectly, rewired in 2024.")
    pair("s-gb-bait-est", "Ceramic vase, blue glaze", 40, "home", "PASS",
         "price reduced by 25% (not a collapse)", "Ceramic vase, blue glaze - reduced", edit_price=30)
    pair("s-gb-bait-est", "Clear phone case, slim", 8, "phone accessories", "PASS",
         "compatibility reference added (0.1 + 0.3): not a brand claim", "Clear phone case, slim, fits iPhone 15")
    # New unverified seller (0.35): any suspicious change adds 0.3 -> HOLD.
    pair("s-gb-bait-new", "Desk lamp, LED, white", 25, "home", "HOLD",
         "price collapse by a new unverified seller", "Desk lamp, LED, white", edit_price=5)
    pair("s-gb-bait-new", "Wireless earbuds, black", 40, "electronics", "HOLD",
         "new images swapped in by a new unverified seller", "Wireless earbuds, black",
         images=[img], edit_images=[clean_image()])
    pair("s-gb-bait-new", "Sports watch, silicone strap", 35, "watches", "BLOCK",
         "brand + counterfeit vocabulary introduced by a new unverified seller",
         "Rolex sports watch, replica, silicone strap")
    pair("s-gb-bait-new", "Handmade soap, lavender", 6, "beauty", "PASS",
         "harmless edit by a new unverified seller", "Handmade soap, lavender and oat")
    pair("s-gb-bait-new", "Garden gnome, resin", 15, "garden", "BLOCK",
         "known counterfeit image swapped in", "Garden gnome, resin",
         edit_images=[flip(IMAGES["Gucci"][1], 2)])
    # Edits of listings never seen: scored as new.
    L.create("PASS", f, "edit of a never-seen listing, clean: scored as new", "s-gb-bait-est",
             "Oak bookshelf, 5 shelves", 120, "furniture", edited=True)
    L.create("BLOCK", f, "edit of a never-seen listing with a prohibited term: scored as new", "s-gb-bait-est",
             "Brass knuckles, heavy", 20, "collectables", edited=True)
    L.create("PASS", f, "edit of a never-seen listing, new unverified seller, clean", "s-gb-bait-new",
             "Picnic blanket, waterproof", 20, "garden", edited=True)
    # An edit of a listing that was already HOLD gets no edit-after-pass signal; it is judged on its content.
    lid = L.create("HOLD", f, "listing held: established seller, brand below floor", "s-gb-bait-est",
                   "Apple iPad mini, 64GB", 60, "electronics")
    L.create("PASS", f, "edit of a HOLD listing removing the brand claim", "s-gb-bait-est",
             "Android tablet 8 inch, 64GB", 60, "electronics", listing_id=lid, edited=True)


# --------------------------------------------------------------------------- live

def live(w, L):
    f = "live"

    def ev(expect, desc, creator, stream, kind, text="", listing_id="", seller_id="", region="GB"):
        p = {"stream_id": stream, "creator_id": creator, "kind": kind}
        if seller_id:
            p["seller_id"] = seller_id
        if listing_id:
            p["listing_id"] = listing_id
        if text:
            p["text"] = text
        w.case(expect, f, desc, region, "live_stream", p, step=30)

    # Clean stream.
    ev("PASS", "stream started", "cr-clean", "st-1", "STARTED")
    for t in ["hi everyone, welcome back to the Sunday craft show",
              "this linen shirt comes in three colours, white, sand and olive",
              "the ceramic mugs are handmade in Stoke, dishwasher safe",
              "we ship within two days, returns are free for thirty days",
              "this ivory coloured throw is super soft, perfect for winter",
              "these trainers are genuine Nike, bought from the Nike store, receipt included"]:
        ev("PASS", "clean transcript: " + t[:50], "cr-clean", "st-1", "TRANSCRIPT", text=t)
    ev("PASS", "stream ended", "cr-clean", "st-1", "ENDED")

    # Brand + counterfeit vocabulary in speech: 0.1 + 0.5 -> HOLD (one per stream so nothing accumulates).
    for i, t in enumerate(["this is a mirror copy of the Rolex Submariner, nobody can tell",
                           "AAA grade Gucci belts tonight, only fifteen pounds",
                           "these AirPods are replicas but the sound is great",
                           "1:1 Omega Speedmaster, the best homage you can buy"], 2):
        sid = "st-%d" % i
        ev("PASS", "stream started", "cr-fake", sid, "STARTED")
        ev("HOLD", "brand + counterfeit vocabulary in a transcript: " + t[:50], "cr-fake", sid, "TRANSCRIPT",
           text=t)
        ev("PASS", "stream ended", "cr-fake", sid, "ENDED")

    # Repeated borderline talk (counterfeit vocabulary, no brand: 0.25 each) escalates through stream risk:
    # segment 1: 0.25; 2: 0.25 + 0.5*0.25/0.9 = 0.39; 3: 0.25 + 0.5*0.5/0.9 = 0.53 -> HOLD.
    ev("PASS", "stream started", "cr-border", "st-20", "STARTED")
    ev("PASS", "borderline 1: counterfeit vocabulary, no brand", "cr-border", "st-20", "TRANSCRIPT",
       text="honestly this bag is a dupe of a very famous designer one")
    ev("PASS", "borderline 2: counterfeit vocabulary again (stream risk grows)", "cr-border", "st-20",
       "TRANSCRIPT", text="and this watch is a homage, you know which one I mean")
    ev("HOLD", "borderline 3: accumulated stream risk crosses HOLD", "cr-border", "st-20", "TRANSCRIPT",
       text="these sunglasses are first copy, same as the shop ones")
    ev("HOLD", "borderline 4: still escalating", "cr-border", "st-20", "TRANSCRIPT",
       text="the perfume is an imitation but smells exactly the same")
    ev("PASS", "escalated stream ended", "cr-border", "st-20", "ENDED")
    # Same borderline line once in a fresh stream: PASS.
    ev("PASS", "stream started", "cr-border", "st-21", "STARTED")
    ev("PASS", "single borderline line in a fresh stream", "cr-border", "st-21", "TRANSCRIPT",
       text="honestly this bag is a dupe of a very famous designer one")
    ev("PASS", "stream ended", "cr-border", "st-21", "ENDED")

    # Prohibited / restricted terms in speech: hard BLOCK.
    for i, (t, region) in enumerate([("I also have a few switchblade knives under the table", "GB"),
                                     ("message me for brass knuckles, cash only", "GB"),
                                     ("pepper spray keyrings for the ladies, ten pounds each", "GB"),
                                     ("real elephant ivory carving, very old", "GB"),
                                     ("Springmesser und Schlagringe, schreibt mir privat", "DE"),
                                     ("disposable vape bundle, five for twenty dollars", "SG")], 30):
        sid = "st-%d" % i
        ev("BLOCK", "prohibited term in a transcript (%s): %s" % (region, t[:50]), "cr-fake", sid, "TRANSCRIPT",
           text=t, region=region)
    # Restricted in DE: HOLD.
    ev("HOLD", "restricted term in a DE transcript", "cr-clean", "st-40", "TRANSCRIPT",
       text="dieses Pfefferspray ist für Hundebesitzer gedacht", region="DE")

    # Creator penalty: 3 upheld outcomes (12 points, saturates at 0.3). Borderline line 0.25 + 0.3 -> HOLD,
    # while the same line from a clean creator PASSes (st-21 above).
    for k in range(3):
        w.state("GB", "enforcement_outcome", {"listing_id": "l-crpen-%d" % k, "creator_id": "cr-pen",
                                              "outcome": "UPHELD"})
    ev("PASS", "penalized creator: stream started (0.3 alone)", "cr-pen", "st-50", "STARTED")
    ev("HOLD", "penalized creator: one borderline line (0.25 + 0.3)", "cr-pen", "st-50", "TRANSCRIPT",
       text="this bag is a dupe of a very famous designer one")
    ev("PASS", "penalized creator: clean line in a fresh stream (0.3 alone)", "cr-pen", "st-51", "TRANSCRIPT",
       text="these cushions are hand stitched, lovely texture")

    # Pinned products: the offline scorer joins the pinned listing's latest status.
    bad = L.create("BLOCK", f, "listing to be pinned: counterfeit, new unverified seller", "s-gb-new",
                   "Rolex Daytona replica, rainbow bezel", 200, "watches")
    held = L.create("HOLD", f, "listing to be pinned: held, established seller, brand below floor", "s-gb-live",
                    "Omega Speedmaster Reduced", 600, "watches")
    good = L.create("PASS", f, "listing to be pinned: clean", "s-gb-live", "Silk pocket square, navy", 25,
                    "accessories")
    pen_bad = L.create("BLOCK", f, "listing to be pinned: penalized seller, below floor", "s-gb-pen",
                       "Gucci Marmont belt bag", 60, "bags")
    pen_good = L.create("PASS", f, "listing to be pinned: penalized seller, plain item", "s-gb-pen",
                        "Cotton scarf, striped", 15, "accessories")
    ev("PASS", "stream started", "cr-pin", "st-60", "STARTED")
    ev("PASS", "pin of a clean listing", "cr-pin", "st-60", "PRODUCT_PINNED", listing_id=good, seller_id="s-gb-live")
    ev("PASS", "stream ended", "cr-pin", "st-60", "ENDED")
    ev("HOLD", "pin of a BLOCKed listing (0.6)", "cr-pin", "st-61", "PRODUCT_PINNED", listing_id=bad,
       seller_id="s-gb-new")
    ev("HOLD", "pin of a HOLD listing (0.6)", "cr-pin", "st-62", "PRODUCT_PINNED", listing_id=held,
       seller_id="s-gb-live")
    ev("BLOCK", "pin of a BLOCKed listing of a penalized seller (0.6 + 0.3)", "cr-pin", "st-63", "PRODUCT_PINNED",
       listing_id=pen_bad, seller_id="s-gb-pen")
    ev("PASS", "pin of a clean listing of a penalized seller (0.3)", "cr-pin", "st-64", "PRODUCT_PINNED",
       listing_id=pen_good, seller_id="s-gb-pen")
    ev("PASS", "pin of a listing never seen (no status to join)", "cr-pin", "st-65", "PRODUCT_PINNED",
       listing_id="l-unknown-9999")


# --------------------------------------------------------------------------- category overrides

def category(w, L):
    f = "category"
    # medicines: hold at 0.3. A new unverified seller (0.35) is held there, passes elsewhere.
    for title, price in [("Paracetamol 500mg tablets, 16 pack", 3), ("Ibuprofen gel 50g", 5),
                         ("Hay fever relief tablets, 30", 6), ("Antiseptic cream 30g", 4)]:
        L.create("HOLD", f, "medicines override: new unverified seller (0.35 >= 0.3): " + title, "s-gb-new", title,
                 price, "medicines")
        L.create("PASS", f, "same item outside medicines, new unverified seller: " + title, "s-gb-new2", title,
                 price, "health")
    L.create("HOLD", f, "medicines override: unknown seller (0.35)", "s-gb-ghost2", "Cold and flu capsules, 16",
             4, "Medicines", region="GB")
    L.create("PASS", f, "medicines: established verified seller (0.0)", "s-gb-est", "Cough syrup 100ml", 6,
             "medicines")
    L.create("PASS", f, "medicines: new verified seller (0.2)", "s-gb-newkyc", "Vitamin D tablets, 90", 8,
             "medicines")
    L.create("HOLD", f, "medicines DE: new unverified seller", "s-de-new", "Schmerztabletten, 20 Stück", 4,
             "medicines")
    L.create("PASS", f, "same DE item outside medicines", "s-de-new", "Schmerztabletten, 20 Stück", 4, "health")

    # watches/jewellery: below floor weighs 0.5 instead of 0.4. Seller with one upheld outcome (4 points,
    # 0.16): 0.16 + 0.1 + 0.2 + 0.5 = 0.96 BLOCK in watches; 0.86 HOLD in other categories.
    w.state("GB", "enforcement_outcome", {"listing_id": "l-one-old", "seller_id": "s-gb-one", "outcome": "UPHELD"})
    L.create("BLOCK", f, "watches override: below-floor Omega, seller with one upheld outcome", "s-gb-one",
             "Omega Seamaster Planet Ocean", 300, "watches")
    L.create("HOLD", f, "same below-floor Omega in 'accessories'", "s-gb-one",
             "Omega Seamaster Planet Ocean", 300, "accessories")
    L.create("BLOCK", f, "jewellery override: below-floor Cartier, seller with one upheld outcome", "s-gb-one",
             "Cartier Juste un Clou bracelet, gold", 200, "jewellery")
    L.create("HOLD", f, "same below-floor Cartier in 'fashion'", "s-gb-one",
             "Cartier Juste un Clou bracelet, gold", 200, "fashion")
    L.create("PASS", f, "watches: plain watch from the same seller", "s-gb-one",
             "Field watch, khaki strap", 45, "watches")


# =========================================================================== known gaps

# =========================================================================== fixed gaps

def fixed_gaps(w, L):
    """Former known gaps, fixed in the engine or the policy; kept as regression cases:
    brand exceptions (omega 3), nearby-only corroboration of ambiguous words, floors across
    currencies, mixed separators, compatibility lists, style references ("for X lovers"),
    counterfeit slang, imitation-material exceptions, wildlife word order and ivory as a colour,
    plural terms."""
    f = "ipr"
    L.create("PASS", f, "'Omega-3' fish oil read as the Omega brand (below its floor)", "s-gb-est",
             "Omega-3 fish oil capsules, 1000mg, 120 pack", 12, "health")
    L.create("PASS", f, "'Omega 3' supplement from a new seller", "s-gb-new2",
             "Vegan omega 3 from algae, 60 softgels", 15, "health")
    L.create("PASS", f, "ambiguous word 'box' corroborated by unrelated 'inspired by' (no brand meant)",
             "s-gb-est2", "Boho maxi dress inspired by the 70s, arrives in a gift box", 38, "clothing")
    L.create("HOLD", f, "GBP-floor brand sold in EUR far below the floor: floor ignored (other currency)",
             "s-de-est", "Rolex Submariner Date, neu", 45, "watches")
    L.create("BLOCK", f, "mixed separators hide the brand (R.o-l.e-x) + 'AAA' at a fraction of the floor",
             "s-gb-est", "R.o-l.e-x diver watch AAA", 80, "watches")
    L.create("PASS", f, "compatibility list: second model after 'and' loses the compatibility context",
             "s-gb-est2", "Charging cable works with AirPods and iPad, 1m", 6, "electronics")
    L.create("PASS", f, "compatibility list: 'iPhone 15 / iPhone 14' - the second model is a claim",
             "s-gb-est2", "Clear case for iPhone 15 / iPhone 14, shockproof", 7, "phone accessories")
    L.create("HOLD", f, "counterfeit slang 'reps' not in the vocabulary", "s-gb-est",
             "Nike Air Jordan 4 reps, best batch, size 9", 95, "shoes")
    L.create("PASS", f, "'imitation leather' (not an exception) from a new seller", "s-gb-new",
             "Imitation leather sofa cover, 3 seater", 30, "home")
    L.create("HOLD", f, "'for <brand> lovers' treated as a compatibility reference, new seller, cheap bag",
             "s-gb-new2", "Quilted chain bag for Chanel lovers, gold hardware", 25, "bags")
    f = "prohibited"
    L.create("PASS", f, "'toy pangolin' (word order not in the exceptions)", "s-gb-est2",
             "Toy pangolin, wooden, hand painted", 14, "toys")
    L.create("PASS", f, "'plush pangolin' (word order not in the exceptions)", "s-gb-est2",
             "Plush pangolin, 25cm, for kids", 16, "toys")
    L.create("PASS", f, "'Ivory Coast' chocolate read as ivory", "s-gb-est",
             "Dark chocolate bar, Ivory Coast cocoa 70%", 4, "food")
    L.create("PASS", f, "ivory as a colour with a noun not in the exceptions", "s-gb-est",
             "Ivory cushion covers, set of 2", 18, "home")
    L.create("BLOCK", f, "plural 'switchblades' not matched", "s-gb-est",
             "Vintage switchblades, lot of 3", 90, "collectables")
    L.create("BLOCK", f, "plural 'tasers' not matched in GB", "s-gb-est2",
             "Tasers for home defence, 2 pack", 80, "outdoor")


HEADER_MAIN = [
    "Warden labelled evaluation set. GENERATED by make_eval_set.py in this directory: edit the script, not this file.",
    "Run: ./warden eval --input core/src/test/resources/eval/eval-set.jsonl",
]


def main():
    build_main().write(OUT, HEADER_MAIN)
    # Known gaps (engine disagrees with the true label) go in known-gaps.jsonl when there are any;
    # all gaps found so far are fixed and live in fixed_gaps() above.
    if os.path.exists(GAPS):
        os.remove(GAPS)


if __name__ == "__main__":
    main()
