#!/usr/bin/env python3
"""Generates eval-governance.jsonl: labelled cases for review feedback and creator governance.

Deterministic, standard library only. Run from anywhere:

    python3 core/src/test/resources/eval/make_eval_governance.py

Same format as eval-set.jsonl (warden.v1.LabelledEvent in protobuf JSON, one per line; state
events carry no "expect"), scored from a fresh state by the offline scorer, so this set registers
its own brands, sellers and creators. Families:

  review   outcome sequences: OVERTURNED clears a listing (its pins are no longer flagged) and
           makes the reviewed content the baseline of later edits; UPHELD keeps or makes it
           flagged; complaints and outcomes refresh the seller penalty pins see
  reward   the clean-record credit (seller.clean_record, creator.clean_record) and its limits
  creator  creator histories: account age and audience, pins of sellers under penalty, promoted
           listings later blocked, held streams
  stream   stream-level verdicts: a stream whose accumulated risk reaches 1.0 is held (no new
           pins); an ended stream is closed

Scoring arithmetic (default policy, hold 0.5 / block 0.9; see make_eval_set.py for the rest):
  listing.edit_after_review 0.5; seller.clean_record / creator.clean_record -0.1 (never below 0,
  never against a hard rule; needs an account and a clean record of 90 days and one review in
  its favour); creator.new_account 0.2 (< 30 days), creator.small_audience 0.1 (< 1,000
  followers); creator.risky_record 0.4 * min(1, points / 6) from 1.5 points (1 per pin of a
  seller under penalty, 2 per promoted listing later blocked, 2 per held stream, halving in 30
  days); live.stream_held / live.stream_closed: hard HOLD (weight 0).
"""
import datetime as _dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "eval-governance.jsonl")

START = _dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=_dt.timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_before(days):
    return iso(START - _dt.timedelta(days=days))


class Writer:
    """Event time strictly increasing from START (30 s a step), unless an event names its own."""

    def __init__(self):
        self.lines = []
        self.n = 0
        self.t = START

    def _event(self, region, name, payload, at=None):
        self.n += 1
        if at is None:
            self.t += _dt.timedelta(seconds=30)
            at = self.t
        return {"event_id": "gov-%04d" % self.n, "event_time": iso(at), "region": region,
                name: payload}

    def state(self, name, payload, region="GB", at=None):
        self.lines.append({"event": self._event(region, name, payload, at)})

    def case(self, expect, family, desc, name, payload, region="GB"):
        assert expect in ("PASS", "HOLD", "BLOCK"), expect
        self.lines.append({"expect": expect, "family": family, "case": desc,
                           "event": self._event(region, name, payload)})

    def write(self, path, header):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for h in header:
                f.write("// " + h + "\n")
            for line in self.lines:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")


def gbp(major):
    return {"amount_minor": int(round(major * 100)), "currency": "GBP"}


class Gov:
    def __init__(self, w):
        self.w = w
        self.k = 0

    # ------------------------------------------------------------------ state

    def brand(self, name, aliases, floor):
        self.w.state("brand_registered", {"brand": name, "aliases": aliases, "min_price": gbp(floor),
                                          "rights_owner": name + " owner"})

    def seller(self, sid, days, kyc=True):
        self.w.state("seller_updated", {"seller_id": sid, "registered_at": days_before(days),
                                        "kyc_verified": kyc})

    def creator(self, cid, days, followers):
        self.w.state("creator_updated", {"creator_id": cid, "registered_at": days_before(days),
                                         "followers": str(followers)})

    def outcome(self, upheld, listing="", seller="", creator="", at=None):
        p = {"outcome": "UPHELD" if upheld else "OVERTURNED"}
        if listing:
            p["listing_id"] = listing
        if seller:
            p["seller_id"] = seller
        if creator:
            p["creator_id"] = creator
        self.w.state("enforcement_outcome", p, at=at)

    def complaint(self, listing, seller, brand="Omega"):
        self.k += 1
        self.w.state("ipr_complaint", {"complaint_id": "gc-%d" % self.k, "brand": brand,
                                       "listing_id": listing, "seller_id": seller,
                                       "rights_owner": brand + " owner"})

    # ------------------------------------------------------------------ scored

    def listing(self, expect, family, desc, lid, seller, title, price, category="watches",
                edited=False, creator=""):
        p = {"listing_id": lid, "seller_id": seller, "title": title, "category": category,
             "price": gbp(price)}
        if creator:
            p["creator_id"] = creator
        name = "listing_edited" if edited else "listing_created"
        if expect is None:
            self.w.state(name, p)
        else:
            self.w.case(expect, family, desc, name, p)
        return lid

    def live(self, expect, family, desc, creator, stream, kind, listing="", text="", region="GB"):
        p = {"stream_id": stream, "creator_id": creator, "kind": kind}
        if listing:
            p["listing_id"] = listing
        if text:
            p["text"] = text
        self.w.case(expect, family, desc, "live_stream", p, region=region)


BORDERLINE = "honestly this bag is a dupe of a famous one"
CLEAN = "these straps are hand stitched, lovely leather"


def setup(g):
    """Every scenario has its own sellers and creators, so none leaks into another's record."""
    g.brand("Omega", ["Seamaster", "Speedmaster"], 1500)
    g.brand("Rolex", ["Submariner", "Daytona"], 3000)
    g.brand("Nike", ["Air Jordan", "Dunk Low"], 50)
    g.brand("Calmex", [], 3)  # a (fictional) pharmacy brand, for the medicines override
    sellers = [("s-r1", 1, False)] + [("s-r%d" % i, 1500 + i, True) for i in range(2, 11)]
    sellers += [("s-clean", 2200, True), ("s-w2", 1800, True), ("s-struck", 2000, True)]
    sellers += [("s-c%d" % i, 1600 + i, True) for i in range(1, 4)] + [("s-s1", 1700, True)]
    for sid, days, kyc in sellers:
        g.seller(sid, days, kyc)
    creators = [("cr-r1", 900, 40000), ("cr-r2", 900, 40000), ("cr-r3", 900, 40000),
                ("cr-new1", 3, 150), ("cr-new2", 4, 300), ("cr-good", 800, 20000),
                ("cr-plain", 800, 20000), ("cr-c1", 900, 40000), ("cr-c2", 3, 150),
                ("cr-promo", 500, 8000), ("cr-mid", 400, 5000), ("cr-later", 600, 9000),
                ("cr-later2", 650, 9500), ("cr-held", 700, 15000)]
    creators += [("cr-s%d" % i, 900, 30000) for i in range(1, 5)]
    for cid, days, followers in creators:
        g.creator(cid, days, followers)


def review(g):
    f = "review"
    # An overturned BLOCK: the listing is cleared, its pins are no longer flagged.
    g.listing("BLOCK", f, "counterfeit listing, new unverified seller (to be overturned)", "gl-1", "s-r1",
              "Omega Speedmaster 1:1 copy", 90)
    g.live("HOLD", f, "pin of the blocked listing (0.6)", "cr-r1", "gst-1", "PRODUCT_PINNED", listing="gl-1")
    g.outcome(False, listing="gl-1", seller="s-r1")
    g.live("PASS", f, "pin of the same listing after the review overturned its BLOCK", "cr-r1", "gst-2",
           "PRODUCT_PINNED", listing="gl-1")

    # Upheld: a listing Warden had passed is blocked by the review (and its seller carries 4 points).
    g.listing("PASS", f, "plain listing of an established seller (to be upheld on review)", "gl-2", "s-r2",
              "Field watch, khaki strap", 45)
    g.live("PASS", f, "pin of the plain listing before its review", "cr-r2", "gst-3", "PRODUCT_PINNED",
           listing="gl-2")
    g.outcome(True, listing="gl-2", seller="s-r2")
    g.live("BLOCK", f, "pin of the same listing after a review upheld enforcement (0.6 + 0.3)", "cr-r3",
           "gst-4", "PRODUCT_PINNED", listing="gl-2")
    # Upheld for a listing Warden never scored (enforced elsewhere): flagged at pins all the same.
    g.outcome(True, listing="gl-elsewhere", seller="s-r3")
    g.live("BLOCK", f, "pin of a listing upheld on review that Warden never scored (0.6 + 0.3)", "cr-r3",
           "gst-5", "PRODUCT_PINNED", listing="gl-elsewhere")
    # Upheld keeps a held listing held.
    g.listing("HOLD", f, "below-floor listing of an established seller (0.8)", "gl-3", "s-r4",
              "Rolex Submariner, pre-owned", 900)
    g.outcome(True, listing="gl-3", seller="s-r4")
    g.live("BLOCK", f, "pin of a held listing whose hold was upheld (0.6 + 0.3)", "cr-r1", "gst-6",
           "PRODUCT_PINNED", listing="gl-3")

    # The reviewed baseline. A seller with 8 points (two upheld outcomes): an unauthorized brand
    # above its floor is held (0.1 + 0.2 + 0.32); the review overturns it (refund: 4 points left).
    for sid in ["s-r5", "s-r6"]:
        g.outcome(True, listing="gl-old1-" + sid, seller=sid)
        g.outcome(True, listing="gl-old2-" + sid, seller=sid)
    g.listing("HOLD", f, "penalized seller (8 points): branded listing above the floor (0.62)", "gl-4", "s-r5",
              "Nike Air Jordan 4 Retro, size 9", 220, category="shoes")
    g.outcome(False, listing="gl-4", seller="s-r5")
    g.listing("PASS", f, "harmless edit after the review cleared it (0.3 + 0.16)", "gl-4", "s-r5",
              "Nike Air Jordan 4 Retro, size 9, box included", 220, category="shoes", edited=True)
    g.listing("HOLD", f, "penalized seller (8 points): branded listing above the floor (0.62)", "gl-5", "s-r6",
              "Nike Dunk Low Retro, size 9", 140, category="shoes")
    g.outcome(False, listing="gl-5", seller="s-r6")
    g.listing("BLOCK", f, "switched to another brand after approval: caught (0.46 + 0.5)", "gl-5", "s-r6",
              "Rolex Daytona, pre-owned", 9000, edited=True)

    # The same switch on a held listing nobody reviewed: judged on its content alone.
    g.listing("HOLD", f, "below-floor branded listing, never reviewed (0.8)", "gl-6", "s-r7",
              "Omega Seamaster diver", 600)
    g.listing("PASS", f, "switched to another brand above its floor, no review to compare with (0.3)", "gl-6",
              "s-r7", "Rolex Daytona, pre-owned", 9000, edited=True)

    # A switch to counterfeit vocabulary at a collapsed price after approval.
    g.listing("HOLD", f, "below-floor listing (to be approved on review)", "gl-7", "s-r8",
              "Omega Seamaster 300, pre-owned", 900)
    g.outcome(False, listing="gl-7", seller="s-r8")
    g.listing("BLOCK", f, "after approval: replica vocabulary at a collapsed price", "gl-7", "s-r8",
              "Omega Seamaster 300, AAA replica dial", 200, edited=True)

    # Complaints naming a listing refresh the penalty the pin join holds for it.
    g.listing("PASS", f, "clean listing of a clean seller", "gl-8", "s-r9", "Leather watch strap 20mm", 25)
    g.live("PASS", f, "new creator (0.3) pins it while its seller is clean", "cr-new1", "gst-7",
           "PRODUCT_PINNED", listing="gl-8")
    g.complaint("gl-8", "s-r9")
    g.outcome(True, listing="gl-9", seller="s-r9")
    g.live("HOLD", f, "new creator pins it after a complaint and an upheld outcome (0.3 + 0.3)", "cr-new1",
           "gst-8", "PRODUCT_PINNED", listing="gl-8")

    # The seller's recent listings are judged by its penalty as it stands, then as it is refunded.
    g.listing("PASS", f, "clean listing, recent 1", "gl-10", "s-r10", "Nylon watch strap 22mm", 15)
    g.listing("PASS", f, "clean listing, recent 2", "gl-11", "s-r10", "Steel watch bracelet 20mm", 35)
    g.outcome(True, listing="gl-other", seller="s-r10")
    g.outcome(True, listing="gl-other2", seller="s-r10")
    g.live("HOLD", f, "pin of a recent listing whose seller was penalized since (0.3 + 0.3)", "cr-new2",
           "gst-9", "PRODUCT_PINNED", listing="gl-10")
    g.outcome(False, listing="gl-other", seller="s-r10")
    g.outcome(False, listing="gl-other2", seller="s-r10")
    g.live("PASS", f, "pin of another recent listing after both were overturned (0.3)", "cr-new2", "gst-9",
           "PRODUCT_PINNED", listing="gl-11")


def reward(g):
    f = "reward"
    # s-clean: one review in its favour 200 days ago, nothing upheld since. In medicines (hold 0.3), a
    # brand it is not authorized for weighs 0.3: held without the credit, passed with it.
    g.outcome(False, listing="gl-h1", seller="s-clean", at=START - _dt.timedelta(days=200))
    g.listing("PASS", f, "clean record credit: branded medicine (0.3 - 0.1 < 0.3)", "gr-1", "s-clean",
              "Calmex pain relief, 16 tablets", 4, category="medicines")
    g.listing("HOLD", f, "same listing from an established seller with no review in its favour", "gr-2",
              "s-w2", "Calmex pain relief, 16 tablets", 4, category="medicines")
    g.listing("BLOCK", f, "no credit against a hard rule", "gr-3", "s-clean", "Vintage switchblade, boxed",
              40, category="collectables")
    g.listing("PASS", f, "plain listing with a clean record: score stays at 0", "gr-4", "s-clean",
              "Paracetamol 500mg, 16 tablets", 3, category="medicines")
    # s-struck: a review in its favour, but an upheld outcome 20 days ago: not clean for 90 days.
    g.outcome(False, listing="gl-h2", seller="s-struck", at=START - _dt.timedelta(days=300))
    g.outcome(True, listing="gl-h3", seller="s-struck", at=START - _dt.timedelta(days=20))
    g.listing("HOLD", f, "an upheld outcome 20 days ago: no credit", "gr-5", "s-struck",
              "Calmex pain relief, 16 tablets", 4, category="medicines")

    # Creators: the same three borderline lines; the third crosses HOLD (0.25 + 0.5 * 0.5 / 0.9) for a
    # creator without a clean record and passes with the credit.
    g.outcome(False, creator="cr-good", at=START - _dt.timedelta(days=200))
    for who, last in [("cr-good", "PASS"), ("cr-plain", "HOLD")]:
        stream = "grs-" + who
        g.live("PASS", f, "%s: borderline line 1" % who, who, stream, "TRANSCRIPT", text=BORDERLINE)
        g.live("PASS", f, "%s: borderline line 2" % who, who, stream, "TRANSCRIPT", text=BORDERLINE)
        g.live(last, f, "%s: borderline line 3 (%s)" % (
            who, "0.53 - 0.1 with a clean record" if who == "cr-good" else "0.53, no record to earn credit"),
               who, stream, "TRANSCRIPT", text=BORDERLINE)


def creator(g):
    f = "creator"
    g.listing("HOLD", f, "listing to be pinned: below floor, established seller", "gc-held", "s-c1",
              "Omega Seamaster diver", 600)
    g.listing("PASS", f, "listing to be pinned: clean", "gc-ok", "s-c1", "Canvas watch roll", 30)
    g.live("HOLD", f, "established creator pins a held listing (0.6)", "cr-c1", "gcs-1", "PRODUCT_PINNED",
           listing="gc-held")
    g.live("BLOCK", f, "3-day-old creator with 150 followers pins the same listing (0.6 + 0.2 + 0.1)", "cr-c2",
           "gcs-2", "PRODUCT_PINNED", listing="gc-held")
    g.live("PASS", f, "the new creator pins a clean listing (0.3)", "cr-c2", "gcs-2", "PRODUCT_PINNED",
           listing="gc-ok")
    g.live("PASS", f, "the new creator starts a stream (0.3)", "cr-c2", "gcs-3", "STARTED")

    # A creator who keeps promoting a seller under penalty. s-c2 carries 8 points; its plain listings
    # pass (0.32) and each pin of one is 0.3, plus the creator's record from the third pin on.
    g.outcome(True, listing="gc-old1", seller="s-c2")
    g.outcome(True, listing="gc-old2", seller="s-c2")
    for i in range(1, 5):
        g.listing("PASS", f, "penalized seller's plain listing %d" % i, "gc-p%d" % i, "s-c2",
                  "Cotton scarf, striped, %d" % i, 15, category="accessories")
    for i, (expect, why) in enumerate([("PASS", "0.3"), ("PASS", "0.3"), ("PASS", "0.3 + 0.13"),
                                       ("HOLD", "0.3 + 0.2: a habit")], 1):
        g.live(expect, f, "creator pins a penalized seller's listing (%d of 4: %s)" % (i, why), "cr-promo",
               "gcs-4", "PRODUCT_PINNED", listing="gc-p%d" % i)
    g.live("HOLD", f, "after 4 pins of a seller under penalty, a borderline line (0.25 + 0.27)", "cr-promo",
           "gcs-5", "TRANSCRIPT", text=BORDERLINE)
    for i in range(1, 5):
        g.live("PASS", f, "creator pins a clean seller's listing (%d of 4)" % i, "cr-mid", "gcs-7",
               "PRODUCT_PINNED", listing="gc-ok")
    g.live("PASS", f, "after 4 pins of a clean seller, the same borderline line (0.25)", "cr-mid", "gcs-8",
           "TRANSCRIPT", text=BORDERLINE)

    # Listings a creator pinned and that were later blocked.
    g.listing("PASS", f, "listing to be pinned, later blocked (1)", "gc-l1", "s-c3", "Leather watch strap 20mm",
              25)
    g.listing("PASS", f, "listing to be pinned, later blocked (2)", "gc-l2", "s-c3", "Nylon watch strap 22mm",
              15)
    g.listing("PASS", f, "listing to be pinned, later held (1)", "gc-l3", "s-c3", "Steel watch bracelet", 20)
    g.listing("PASS", f, "listing to be pinned, later held (2)", "gc-l4", "s-c3", "Rubber dive strap", 20)
    for lid in ["gc-l1", "gc-l2"]:
        g.live("PASS", f, "pin of a clean listing " + lid, "cr-later", "gcs-9", "PRODUCT_PINNED", listing=lid)
    for lid in ["gc-l3", "gc-l4"]:
        g.live("PASS", f, "pin of a clean listing " + lid, "cr-later2", "gcs-10", "PRODUCT_PINNED", listing=lid)
    g.listing("BLOCK", f, "pinned listing switched to a replica: blocked", "gc-l1", "s-c3",
              "Omega Speedmaster replica strap set", 25, edited=True)
    g.listing("BLOCK", f, "pinned listing switched to a replica: blocked", "gc-l2", "s-c3",
              "Rolex Submariner replica bracelet", 15, edited=True)
    g.listing("HOLD", f, "pinned listing switched to a real brand: held (0.3 + 0.3)", "gc-l3", "s-c3",
              "Omega Seamaster steel bracelet", 2000, edited=True)
    g.listing("HOLD", f, "pinned listing switched to a real brand: held (0.3 + 0.3)", "gc-l4", "s-c3",
              "Rolex Oysterflex strap", 4000, edited=True)
    g.live("HOLD", f, "two pinned listings later blocked, then a borderline line (0.25 + 0.27)", "cr-later",
           "gcs-11", "TRANSCRIPT", text=BORDERLINE)
    g.live("PASS", f, "two pinned listings later held (not blocked), the same line (0.25)", "cr-later2",
           "gcs-12", "TRANSCRIPT", text=BORDERLINE)

    # A held stream is on the creator's record once it ends.
    for i, expect in enumerate(["PASS", "PASS", "HOLD", "HOLD"], 1):
        g.live(expect, f, "escalating stream, line %d" % i, "cr-held", "gcs-13", "TRANSCRIPT", text=BORDERLINE)
    g.live("PASS", f, "the held stream ends", "cr-held", "gcs-13", "ENDED")
    g.live("PASS", f, "next stream: a clean line (record 0.13)", "cr-held", "gcs-14", "TRANSCRIPT", text=CLEAN)


def stream(g):
    f = "stream"
    g.listing("PASS", f, "clean listing to be pinned in streams", "gs-ok", "s-s1", "Linen pocket square", 20,
              category="accessories")
    # Borderline talk accumulates 0.25 a line; the fourth line brings the stream to 1.0: held.
    g.live("PASS", f, "stream started", "cr-s1", "gss-1", "STARTED")
    g.live("PASS", f, "borderline line 1", "cr-s1", "gss-1", "TRANSCRIPT", text=BORDERLINE)
    g.live("PASS", f, "borderline line 2", "cr-s1", "gss-1", "TRANSCRIPT", text=BORDERLINE)
    g.live("PASS", f, "pin before the stream is held", "cr-s1", "gss-1", "PRODUCT_PINNED", listing="gs-ok")
    g.live("HOLD", f, "borderline line 3 (0.53)", "cr-s1", "gss-1", "TRANSCRIPT", text=BORDERLINE)
    g.live("HOLD", f, "borderline line 4: accumulated risk 1.0, the stream is held", "cr-s1", "gss-1",
           "TRANSCRIPT", text=BORDERLINE)
    g.live("HOLD", f, "clean pin in a held stream: no new pins", "cr-s1", "gss-1", "PRODUCT_PINNED",
           listing="gs-ok")
    g.live("PASS", f, "the held stream ends", "cr-s1", "gss-1", "ENDED")
    g.live("HOLD", f, "a pin in the stream after it ended: closed", "cr-s1", "gss-1", "PRODUCT_PINNED",
           listing="gs-ok")
    g.live("PASS", f, "the same clean pin in the creator's next stream (record 0.13)", "cr-s1", "gss-2",
           "PRODUCT_PINNED", listing="gs-ok")
    # Three borderline lines (0.75) stay below the threshold: pins go on.
    for i, expect in enumerate(["PASS", "PASS", "HOLD"], 1):
        g.live(expect, f, "below the threshold, line %d" % i, "cr-s2", "gss-3", "TRANSCRIPT", text=BORDERLINE)
    g.live("PASS", f, "clean pin in a stream below the threshold", "cr-s2", "gss-3", "PRODUCT_PINNED",
           listing="gs-ok")
    # One prohibited line (1.0) holds the stream at once.
    g.live("BLOCK", f, "a prohibited product named on stream", "cr-s3", "gss-4", "TRANSCRIPT",
           text="I also have a few switchblade knives under the table")
    g.live("HOLD", f, "clean pin after that: the stream is held", "cr-s3", "gss-4", "PRODUCT_PINNED",
           listing="gs-ok")
    # A restricted line (0.5) does not.
    g.live("HOLD", f, "a restricted product named on a DE stream", "cr-s4", "gss-5", "TRANSCRIPT",
           text="dieses Pfefferspray ist für Hundebesitzer gedacht", region="DE")
    g.live("PASS", f, "clean pin after one restricted line: not held", "cr-s4", "gss-5", "PRODUCT_PINNED",
           listing="gs-ok")


HEADER = [
    "Warden labelled evaluation set: review feedback and creator governance. GENERATED by"
    " make_eval_governance.py in this directory: edit the script, not this file.",
    "Run: ./warden eval --input core/src/test/resources/eval/eval-governance.jsonl",
]


def main():
    w = Writer()
    g = Gov(w)
    setup(g)
    review(g)
    reward(g)
    creator(g)
    stream(g)
    w.write(OUT, HEADER)


if __name__ == "__main__":
    main()
