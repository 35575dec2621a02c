#!/usr/bin/env python3
"""Generates the prohibited-products evaluation sets for `./warden eval`:

  eval-prohibited.jsonl  positive cases and innocent look-alikes for every term list of the built-in
                         policy (docs/prohibited-items.md names each list's sources), in the markets'
                         languages, and the same product judged differently across regions;
  eval-runaway.jsonl     the circuit breaker: a policy change that adds a common word ("bag") to a
                         block list, and what the breaker lets through (docs/breaker.md).

Deterministic, standard library only. Run from anywhere:

    python3 core/src/test/resources/eval/make_eval_prohibited.py

Same line format as eval-set.jsonl (warden.v1.LabelledEvent in protobuf JSON). A set may start with
a `// policy-patch: {...}` line: a warden.v1.Policy in JSON merged onto the policy the set is run
with (scalars replaced, lists appended), so the runaway case needs no copy of the whole policy.

Every listing here comes from an established, KYC-verified seller of its region, so nothing but
the text decides: a prohibited term blocks (hard rule), a restricted one holds (0.5, hard rule),
counterfeit vocabulary without a brand adds 0.25 (below HOLD), and a look-alike passes.
"""
import datetime as _dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
START = _dt.datetime(2026, 11, 21, 6, 0, 0, tzinfo=_dt.timezone.utc)

CURRENCY = {"GB": "GBP", "IE": "EUR", "US": "USD", "CA": "CAD", "DE": "EUR", "AT": "EUR", "FR": "EUR",
            "BE": "EUR", "ES": "EUR", "IT": "EUR", "PT": "EUR", "NL": "EUR", "PL": "PLN", "JP": "JPY",
            "BR": "BRL", "MX": "MXN", "SG": "SGD"}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Writer:
    def __init__(self, prefix):
        self.lines = []
        self.prefix = prefix
        self.n = 0
        self.t = START

    def event(self, region, payload_name, payload, step):
        self.n += 1
        self.t += _dt.timedelta(seconds=step)
        return {"event_id": "%s-%04d" % (self.prefix, self.n), "event_time": iso(self.t), "region": region,
                payload_name: payload}

    def state(self, region, payload_name, payload, step=5):
        self.lines.append({"event": self.event(region, payload_name, payload, step)})

    def case(self, expect, family, desc, region, payload_name, payload, step=60):
        assert expect in ("PASS", "HOLD", "BLOCK"), expect
        self.lines.append({"expect": expect, "family": family, "case": desc,
                           "event": self.event(region, payload_name, payload, step)})

    def write(self, name, header):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            for h in header:
                f.write("// " + h + "\n")
            for line in self.lines:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")


def seller(region):
    return "s-%s-est" % region.lower()


def register_sellers(w, regions):
    for r in regions:
        w.state(r, "seller_updated", {"seller_id": seller(r), "registered_at": "2019-03-01T00:00:00Z",
                                      "kyc_verified": True})


class Listings:
    def __init__(self, w):
        self.w = w
        self.n = 0

    def create(self, expect, family, desc, region, title, price=25, category="misc", sid=None, step=60):
        self.n += 1
        p = {"listing_id": "lp-%04d" % self.n, "seller_id": sid or seller(region), "title": title,
             "category": category,
             "price": {"amount_minor": int(price * (1 if CURRENCY[region] == "JPY" else 100)),
                       "currency": CURRENCY[region]}}
        self.w.case(expect, family, desc, region, "listing_created", p, step=step)


# (expect, region, title): the list each group exercises is named in the case description, as
# "<list>: ..." for its own cases and "look-alike (<list>): ..." for innocent look-alikes.
CASES = {
    "weapons": [
        ("BLOCK", "US", "OTF knife, out the front automatic, black"),
        ("BLOCK", "GB", "Zombie knife 24 inch with serrated edge"),
        ("BLOCK", "GB", "Lipstick knife, pink, concealed blade"),
        ("BLOCK", "US", "Forced reset trigger for AR platform"),
        ("BLOCK", "US", "Lightning link, stainless"),
        ("BLOCK", "GB", "Friction lock baton 21 inch"),
        ("BLOCK", "DE", "Faustmesser mit Kydexscheide"),
        ("BLOCK", "DE", "Wurfsterne Set, 3 Stück"),
        ("BLOCK", "FR", "Couteau automatique, lame 9 cm"),
        ("BLOCK", "ES", "Navaja mariposa de acero"),
        ("BLOCK", "IT", "Coltello a farfalla, lama affilata"),
        ("BLOCK", "PT", "Soco inglês em aço"),
        ("BLOCK", "BR", "Canivete automático, lâmina 10 cm"),
        ("BLOCK", "PL", "Kastet stalowy, nowy"),
        ("BLOCK", "PL", "Nóż sprężynowy z klipsem"),
        ("BLOCK", "NL", "Boksbeugel messing"),
        ("BLOCK", "NL", "Vlindermes, scherp"),
        ("BLOCK", "JP", "メリケンサック 真鍮 新品"),
        ("BLOCK", "JP", "バタフライナイフ 未使用"),
    ],
    "look-alike (weapons)": [
        ("PASS", "GB", "Automatic knife sharpener, electric"),
        ("PASS", "US", "Slapjack card game for kids"),
        ("PASS", "GB", "Lightning Link slot machine poster"),
        ("PASS", "GB", "Foam throwing stars, ninja party pack"),
        ("PASS", "DE", "Butterflymesser Trainer, stumpf"),
        ("PASS", "FR", "Aiguiseur de couteau automatique"),
        ("PASS", "NL", "Vlindermes trainer zonder snede"),
        ("PASS", "GB", "Knuckle protector gloves for boxing"),
        ("PASS", "JP", "バタフライ ヘアクリップ"),
    ],
    "firearms_and_ammunition": [
        ("BLOCK", "US", "Handgun, 9mm, with two magazines"),
        ("BLOCK", "US", "Live ammunition, 50 rounds"),
        ("BLOCK", "US", "30 round magazine, steel"),
        ("BLOCK", "US", "Unfinished lower receiver with jig"),
        ("BLOCK", "DE", "Scharfe Munition Kaliber 9mm"),
        ("BLOCK", "ES", "Munición real calibre 22"),
        ("BLOCK", "PL", "Ostra amunicja 9x19"),
        ("BLOCK", "NL", "Scherpe munitie, doos"),
        ("BLOCK", "JP", "実弾 薬莢 セット"),
    ],
    "look-alike (firearms_and_ammunition)": [
        ("PASS", "US", "Handgun safe with biometric lock"),
        ("PASS", "US", "Handgun holster, leather, right hand"),
        ("PASS", "US", "Nerf assault rifle, orange tip"),
        ("PASS", "US", "Toy grenade launcher with foam darts"),
        ("PASS", "US", "Ammo can, empty, army surplus"),
        ("PASS", "GB", "Glue gun with 20 sticks"),
    ],
    "bladed_weapons_restricted": [
        ("HOLD", "GB", "Machete, 18 inch blade"),
        ("HOLD", "GB", "Samurai sword with stand"),
        ("HOLD", "IE", "Crossbow 150lb with scope"),
        ("HOLD", "GB", "Air rifle .22 break barrel"),
        ("PASS", "US", "Machete, 18 inch blade"),
        ("PASS", "DE", "Samurai sword with stand"),
    ],
    "look-alike (bladed_weapons_restricted)": [
        ("PASS", "GB", "Suzuki Katana fairing, 2019"),
        ("PASS", "GB", "Boss Katana amp 50W"),
        ("PASS", "GB", "Hunting knife sheath, leather"),
        ("PASS", "GB", "Machete DVD, Robert Rodriguez"),
        ("PASS", "GB", "Crossbow target foam block"),
    ],
    "brass_knuckles_mx": [
        ("BLOCK", "MX", "Manopla de acero para defensa"),
        ("PASS", "ES", "Manopla de acero para defensa"),
    ],
    "look-alike (brass_knuckles_mx)": [
        ("PASS", "MX", "Manopla de cocina, silicona, par"),
        ("PASS", "MX", "Manopla exfoliante para baño"),
    ],
    "wildlife": [
        ("BLOCK", "GB", "Narwhal tusk, 1.2m"),
        ("BLOCK", "US", "Leopard skin rug, vintage"),
        ("BLOCK", "MX", "Buche de totoaba seco"),
        ("BLOCK", "DE", "Netsuke aus Elfenbein, Japan"),
        ("BLOCK", "DE", "Tigerfell mit Kopf"),
        ("BLOCK", "FR", "Corne de rhinocéros, pièce ancienne"),
        ("BLOCK", "IT", "Corno di rinoceronte in polvere"),
        ("BLOCK", "PT", "Presa de marfim entalhada"),
        ("BLOCK", "BR", "Casco de tartaruga marinha, inteiro"),
        ("BLOCK", "PL", "Figurka z kości słoniowej, antyk"),
        ("BLOCK", "NL", "Echt ivoor beeldje, Afrika"),
        ("BLOCK", "JP", "象牙 根付 置物"),
        ("BLOCK", "ES", "Colmillo de elefante tallado"),
    ],
    "look-alike (wildlife)": [
        ("PASS", "DE", "Brautkleid Elfenbein, Größe 38"),
        ("PASS", "DE", "Schleich Nashorn Figur"),
        ("PASS", "PL", "Sukienka kość słoniowa, rozmiar M"),
        ("PASS", "FR", "Robe ivoire, taille 38"),
        ("PASS", "GB", "Leopard print faux fur coat"),
        ("PASS", "GB", "Tortoiseshell sunglasses, acetate frames"),
        ("PASS", "IT", "Borsa stampa pelle di tigre"),
        ("PASS", "JP", "象牙色 ワンピース"),
        ("PASS", "JP", "センザンコウ ぬいぐるみ"),
        ("PASS", "NL", "Ivoorkleurige trouwjurk"),
        ("PASS", "PT", "Vestido cor marfim"),
    ],
    "drugs": [
        ("BLOCK", "US", "Nitazene powder, research"),
        ("BLOCK", "US", "THC gummies 500mg"),
        ("BLOCK", "DE", "Ecstasy Pillen, 10 Stück"),
        ("BLOCK", "DE", "GBL Felgenreiniger 1 Liter"),
        ("BLOCK", "FR", "Champignons hallucinogènes séchés"),
        ("BLOCK", "ES", "Hongos alucinógenos secos"),
        ("BLOCK", "IT", "Funghi allucinogeni essiccati"),
        ("BLOCK", "PT", "Cogumelos mágicos desidratados"),
        ("BLOCK", "PL", "Dopalacze, mocne"),
        ("BLOCK", "PL", "Mefedron kryształ"),
        ("BLOCK", "NL", "XTC pillen, 20 stuks"),
        ("BLOCK", "NL", "Paddo's, vers"),
        ("BLOCK", "JP", "危険ドラッグ ハーブ"),
        ("BLOCK", "US", "M30 pill stamp, counterfeit dies"),
    ],
    "look-alike (drugs)": [
        ("PASS", "US", "Fentanyl test strips, 10 pack"),
        ("PASS", "GB", "Magic mushrooms print, A3 poster"),
        ("PASS", "ES", "La heroína de la historia, novela"),
        ("PASS", "PT", "A heroína do povo, livro"),
        ("PASS", "FR", "L'héroïne du roman, édition poche"),
        ("PASS", "GB", "Heroine, a novel, hardback"),
        ("PASS", "DE", "Zauberpilze Deko, Fliegenpilz aus Holz"),
        ("PASS", "US", "Drug test kit, 5 panel"),
    ],
    "heroin_pl": [
        ("BLOCK", "PL", "Heroina, czysta"),
        ("PASS", "ES", "Heroína, la película"),
    ],
    "heroin_nl": [
        ("BLOCK", "NL", "Heroïne, per gram"),
        ("PASS", "FR", "Héroïne, la biographie"),
    ],
    "drug_paraphernalia": [
        ("HOLD", "US", "Glass bong, 12 inch"),
        ("HOLD", "US", "Dab rig with banger"),
        ("HOLD", "US", "Pill press machine TDP-5"),
        ("HOLD", "US", "Synthetic urine kit, heat pad"),
        ("HOLD", "PL", "Fifka szklana"),
        ("HOLD", "DE", "Kokainlöffel, Silber"),
        ("HOLD", "FR", "Pipe à crack en verre"),
        ("HOLD", "ES", "Pipa de crack de cristal"),
    ],
    "look-alike (drug_paraphernalia)": [
        ("PASS", "US", "Bong Joon Ho films box set"),
        ("PASS", "US", "Bongo drums, pair"),
        ("PASS", "GB", "Pipe cleaners, 100 pack, craft"),
        ("PASS", "GB", "Spice grinder, ceramic burr"),
    ],
    "counterfeit_currency_and_documents": [
        ("BLOCK", "US", "Replica coins, Morgan dollar set"),
        ("BLOCK", "GB", "Counterfeit stamps, first class, 100"),
        ("BLOCK", "US", "Scannable ID, any state"),
        ("BLOCK", "GB", "Fake diploma, university, embossed"),
        ("BLOCK", "DE", "Gefälschte Briefmarken, Bogen"),
        ("BLOCK", "FR", "Faux permis de conduire"),
        ("BLOCK", "ES", "Dinero falso, billetes de 50"),
        ("BLOCK", "IT", "Soldi falsi, banconote da 20"),
        ("BLOCK", "PT", "Notas falsas de 20 euros"),
        ("BLOCK", "BR", "Cédulas falsas de 100 reais"),
        ("BLOCK", "PL", "Fałszywe pieniądze, banknoty 100 zł"),
        ("BLOCK", "NL", "Vals geld, briefjes van 50"),
        ("BLOCK", "JP", "偽札 一万円"),
    ],
    "look-alike (counterfeit_currency_and_documents)": [
        ("PASS", "GB", "Stamp collecting album, 64 pages"),
        ("PASS", "GB", "Rubber stamps for scrapbooking, set of 12"),
        ("PASS", "GB", "Forged stamps catalogue, philately reference"),
        ("PASS", "US", "Counterfeit currency detector, UV light"),
        ("PASS", "US", "Fake money for kids, play set"),
        ("PASS", "US", "Blank passport cover, leather"),
        ("PASS", "ES", "Dinero falso de juguete para niños"),
        ("PASS", "PL", "Tester fałszywych banknotów"),
        ("PASS", "JP", "偽札 鑑定 ライト"),
        ("PASS", "GB", "Forged steel letter stamps for metal"),
    ],
    "replica_currency_restricted": [
        ("HOLD", "US", "Prop money, 100 dollar bills, full print"),
        ("HOLD", "DE", "Filmgeld, 500 Euro Scheine"),
        ("HOLD", "ES", "Dinero de utilería para películas"),
        ("HOLD", "NL", "Nepgeld voor film, bundel"),
    ],
    "hazardous_chemicals": [
        ("BLOCK", "US", "Dinitrophenol DNP diet pills"),
        ("BLOCK", "US", "Exploding targets, 20 pack"),
        ("BLOCK", "GB", "Black powder, 1lb tin"),
        ("BLOCK", "GB", "Red phosphorus, 50g"),
        ("BLOCK", "DE", "Schwarzpulver 500g"),
        ("BLOCK", "FR", "Mercure liquide, flacon 100g"),
        ("BLOCK", "ES", "Cianuro de potasio, laboratorio"),
        ("BLOCK", "PL", "Cyjanek potasu 100g"),
        ("BLOCK", "NL", "Vloeibaar kwik 1kg"),
        ("BLOCK", "JP", "青酸カリ 試薬"),
    ],
    "look-alike (hazardous_chemicals)": [
        ("PASS", "US", "Cyanide and Happiness comic collection"),
        ("PASS", "GB", "Black powder coated steel shelves"),
        ("PASS", "GB", "Freddie Mercury vinyl, limited"),
        ("PASS", "GB", "Arsenic and Old Lace, DVD"),
        ("PASS", "GB", "Sensodyne toothpaste with potassium nitrate"),
    ],
    "explosives_precursors_restricted": [
        ("HOLD", "GB", "Ammonium nitrate fertiliser, 25kg"),
        ("HOLD", "DE", "Kaliumchlorat 500g"),
        ("HOLD", "FR", "Chlorate de sodium désherbant"),
        ("HOLD", "PL", "Saletra amonowa 50kg"),
        ("HOLD", "NL", "Kaliumperchloraat 1kg"),
        ("PASS", "US", "Ammonium nitrate fertilizer, 25kg"),
    ],
    "fireworks_restricted": [
        ("HOLD", "GB", "Fireworks selection box, 40 pieces"),
        ("HOLD", "DE", "Silvesterböller Set"),
        ("HOLD", "FR", "Feux d'artifice, compact 100 coups"),
        ("HOLD", "ES", "Petardos variados, caja"),
        ("HOLD", "PL", "Fajerwerki, bateria 100 strzałów"),
        ("HOLD", "NL", "Vuurwerk pakket, groot"),
    ],
    "look-alike (fireworks_restricted)": [
        ("PASS", "GB", "Fireworks lights, LED, 200 bulbs"),
        ("PASS", "GB", "Fireworks poster, Thames at midnight"),
        ("PASS", "DE", "Gewürzmischung, ein Feuerwerk der Aromen"),
        ("PASS", "BR", "Bombinhas de chocolate, caixa com 12"),
        ("PASS", "GB", "Firework night colouring book"),
    ],
    "illegal_fireworks": [
        ("BLOCK", "DE", "Polenböller, 20 Stück"),
        ("BLOCK", "DE", "Kugelbomben Set, 5 Kaliber"),
        ("BLOCK", "NL", "Cobra 6 vuurwerk, doos"),
    ],
    "recalled_products": [
        ("BLOCK", "US", "Takata airbag inflator, driver"),
        ("BLOCK", "GB", "Rock n Play, barely used"),
        ("BLOCK", "US", "Inclined infant sleeper, vibrating"),
        ("BLOCK", "DE", "Takata Airbag, Fahrerseite"),
        ("BLOCK", "FR", "Samsung Galaxy Note 7, 64 Go"),
        ("BLOCK", "JP", "Galaxy Note7 本体"),
    ],
    "look-alike (recalled_products)": [
        ("PASS", "US", "Galaxy Note 7 case, clear"),
        ("PASS", "GB", "Baby bouncer, never recalled"),
    ],
    "unsafe_baby_products_us_ca": [
        ("BLOCK", "US", "Crib bumper, padded, grey"),
        ("BLOCK", "CA", "Baby lounger, organic cotton"),
        ("BLOCK", "US", "Infant sleep positioner"),
        ("BLOCK", "US", "Relighting candles, 30 pack"),
        ("PASS", "GB", "Crib bumper, padded, grey"),
        ("PASS", "DE", "Baby lounger, organic cotton"),
    ],
    "look-alike (unsafe_baby_products_us_ca)": [
        ("PASS", "US", "Crib bumper sewing pattern, PDF"),
        ("PASS", "US", "Mesh crib liner, breathable"),
    ],
    "baby_walkers_banned": [
        ("BLOCK", "CA", "Baby walker with activity tray"),
        ("PASS", "US", "Baby walker with activity tray"),
    ],
    "look-alike (baby_walkers_banned)": [
        ("PASS", "CA", "Baby walker push toy, wooden"),
    ],
    "unsafe_lasers": [
        ("BLOCK", "US", "High powered laser pointer, 1000mW"),
        ("BLOCK", "GB", "Burning laser, green"),
        ("BLOCK", "DE", "Laserpointer extrem stark"),
        ("BLOCK", "ES", "Puntero láser potente verde"),
    ],
    "look-alike (unsafe_lasers)": [
        ("PASS", "GB", "Laser pointer for presentations, class 2"),
        ("PASS", "GB", "Cat laser toy"),
    ],
    "small_magnets_restricted": [
        ("HOLD", "US", "Neocube 216 pieces"),
        ("HOLD", "GB", "Magnetic balls toy, 5mm"),
        ("HOLD", "DE", "Neocube, 216 Magnetkugeln"),
        ("HOLD", "NL", "Buckyballs, zilver"),
    ],
    "signal_jammers": [
        ("BLOCK", "US", "GPS jammer for car"),
        ("BLOCK", "GB", "Mobile phone jammer, 8 bands"),
        ("BLOCK", "DE", "Handy Störsender, tragbar"),
        ("BLOCK", "FR", "Brouilleur GPS allume cigare"),
        ("BLOCK", "ES", "Inhibidor de frecuencia portátil"),
        ("BLOCK", "BR", "Bloqueador de sinal de celular"),
        ("BLOCK", "PL", "Zagłuszarka GPS"),
        ("BLOCK", "NL", "GPS stoorzender auto"),
        ("BLOCK", "JP", "電波妨害装置 小型"),
    ],
    "look-alike (signal_jammers)": [
        ("PASS", "GB", "GPS jammer detector, handheld"),
        ("PASS", "GB", "Strawberry jam maker, 2 litre"),
        ("PASS", "US", "Jammers basketball shorts"),
    ],
    "covert_surveillance_restricted": [
        ("HOLD", "US", "Clothes hook camera, 1080p"),
        ("HOLD", "GB", "Spy camera smoke detector"),
        ("HOLD", "DE", "Versteckte Kamera im Ladegerät"),
        ("HOLD", "FR", "Caméra espion stylo"),
        ("HOLD", "ES", "Cámara oculta en reloj"),
        ("HOLD", "IT", "Microspia GSM ambientale"),
        ("HOLD", "PL", "Kamera szpiegowska w długopisie"),
        ("HOLD", "NL", "Verborgen camera in wekker"),
        ("HOLD", "JP", "盗聴器 コンセント型"),
    ],
    "look-alike (covert_surveillance_restricted)": [
        ("PASS", "GB", "Hidden camera detector, RF scanner"),
        ("PASS", "US", "Bed bug spray, 500ml"),
        ("PASS", "DE", "Bettwanzen Spray, 500ml"),
        ("PASS", "JP", "盗聴器 発見器"),
        ("PASS", "GB", "Dashcam front and rear"),
    ],
    "theft_tools_restricted": [
        ("HOLD", "US", "Lock pick set, 24 pieces"),
        ("HOLD", "GB", "Keyless repeater relay kit"),
        ("HOLD", "ES", "Kit de ganzúas profesional"),
        ("HOLD", "IT", "Grimaldelli, set completo"),
        ("HOLD", "PL", "Zestaw wytrychów"),
    ],
    "look-alike (theft_tools_restricted)": [
        ("PASS", "US", "Lock picking book, beginner guide"),
        ("PASS", "GB", "Padlock with 3 keys"),
    ],
    "subscription_piracy_devices": [
        ("BLOCK", "GB", "Fully loaded Firestick, all channels"),
        ("BLOCK", "IT", "Pezzotto IPTV, 12 mesi"),
        ("BLOCK", "BR", "Gatonet, receptor pirata"),
        ("BLOCK", "ES", "Decodificador pirata satélite"),
    ],
    "look-alike (subscription_piracy_devices)": [
        ("PASS", "GB", "Fire TV Stick 4K, sealed"),
        ("PASS", "DE", "Sat Receiver DVB-S2, HD"),
    ],
    "human_remains": [
        ("BLOCK", "US", "Real human skull, medical"),
        ("BLOCK", "DE", "Echter Menschenschädel, alt"),
        ("BLOCK", "FR", "Vrai crâne humain, ancien"),
        ("BLOCK", "ES", "Cráneo humano real, antiguo"),
        ("BLOCK", "IT", "Teschio umano vero, museo"),
    ],
    "look-alike (human_remains)": [
        ("PASS", "US", "Real human skull replica, resin"),
        ("PASS", "GB", "Anatomical skull model, life size"),
    ],
    "pepper_spray_prohibited": [
        ("BLOCK", "NL", "Pepperspray 40ml"),
        ("BLOCK", "NL", "Stun gun, rechargeable"),
        ("BLOCK", "GB", "Paralysing spray, keyring"),
    ],
    "look-alike (pepper_spray_prohibited)": [
        ("PASS", "NL", "Pepper spray antidote, eye wash"),
    ],
    "pepper_spray_restricted": [
        ("HOLD", "PL", "Gaz pieprzowy 50ml"),
        ("HOLD", "PL", "Paralizator 5 mln V"),
        ("HOLD", "PT", "Spray de pimenta, defesa pessoal"),
        ("HOLD", "JP", "催涙スプレー 防犯"),
        ("HOLD", "DE", "Elektroschocker mit Taschenlampe"),
        ("PASS", "US", "Gaz pieprzowy 50ml"),
    ],
    "look-alike (pepper_spray_restricted)": [
        ("PASS", "DE", "Pepper spray antidote, Augenspülung"),
    ],
    "vaping_prohibited": [
        ("BLOCK", "BR", "Pod descartável 5000 puffs"),
        ("BLOCK", "BR", "Cigarro eletrônico recarregável"),
        ("BLOCK", "MX", "Vape desechable sabor mango"),
        ("PASS", "PT", "Cigarro eletrônico recarregável"),
        ("PASS", "ES", "Vape desechable sabor mango"),
    ],
    "e_cigarettes_prohibited_pl": [
        ("BLOCK", "PL", "E-papieros jednorazowy"),
        ("BLOCK", "PL", "Disposable vape 600 puffs"),
        ("PASS", "DE", "E-papieros jednorazowy"),
    ],
    "nicotine_liquid_prohibited_jp": [
        ("BLOCK", "JP", "ニコチンリキッド 30ml"),
        ("PASS", "JP", "電子タバコ リキッド ニコチンなし"),
        ("PASS", "GB", "Nicotine liquid 10ml, 18mg"),
    ],
}

REGIONS = sorted(CURRENCY)

# Lists that hold for review, or apply in some regions only.
RESTRICTED = {"bladed_weapons_restricted", "brass_knuckles_mx", "drug_paraphernalia", "heroin_pl", "heroin_nl",
              "replica_currency_restricted", "explosives_precursors_restricted", "fireworks_restricted",
              "illegal_fireworks", "unsafe_baby_products_us_ca", "baby_walkers_banned", "small_magnets_restricted",
              "covert_surveillance_restricted", "theft_tools_restricted", "pepper_spray_prohibited",
              "pepper_spray_restricted", "vaping_prohibited", "e_cigarettes_prohibited_pl",
              "nicotine_liquid_prohibited_jp"}


def build_prohibited():
    w = Writer("pr")
    L = Listings(w)
    register_sellers(w, REGIONS)
    for group, rows in CASES.items():
        lookalike = group.startswith("look-alike")
        name = group[len("look-alike ("):-1] if lookalike else group
        # As in eval-set.jsonl: "prohibited" for the lists that block everywhere, "restricted" for
        # the lists that hold for review or apply in some regions only.
        family = "restricted" if name in RESTRICTED else "prohibited"
        for expect, region, title in rows:
            if lookalike:
                desc = "%s: %s (%s)" % (group, title, region)
            else:
                desc = "%s: %s in %s: %s" % (group, expect, region, title)
            L.create(expect, family, desc, region, title)
    return w


# ---------------------------------------------------------------------------------------- runaway

RUNAWAY_PATCH = {
    "version": "eval-runaway-1",
    "revision": 2,
    "reason": "a policy change with a mistake in it: the common word 'bag' added to a block list",
    "breaker": {"window_events": 100, "baseline_floor": 0.02, "trip_multiple": 2, "min_subjects": 3},
    "term_lists": [{"name": "weapons_update", "action": "BLOCK", "terms": ["stiletto knife", "bag"]}],
}


def build_runaway():
    """Window 100, floor 2 %, trip multiple 2, at least 3 sellers: the breaker's limit is 4 hits of
    a term in the last 100 scored listings, so the 5th benign "bag" listing, each by another seller,
    trips it. The first four are blocked: the cost of one breaker window, and what this set pins
    down. After the trip the benign listings pass (the term still shows, as a shadow reason), while
    every other term, including the rest of the same list, still decides. A flood of a genuinely
    prohibited item by two sellers, twice beyond the limit, never trips its term: it stays blocked."""
    w = Writer("rw")
    L = Listings(w)
    register_sellers(w, ["GB", "DE", "US"])
    bag_sellers = ["s-gb-bag%02d" % (i + 1) for i in range(10)]
    for sid in bag_sellers + ["s-gb-flood"]:
        w.state("GB", "seller_updated", {"seller_id": sid, "registered_at": "2019-03-01T00:00:00Z",
                                         "kyc_verified": True})
    f = "breaker"
    bags = ["Canvas tote bag, navy", "Leather weekend bag", "Gym bag with shoe pocket", "Laptop bag 15 inch",
            "Paper bag, pack of 50", "Bean bag chair, grey", "Sleeping bag, 3 season", "Tea bag tidy, ceramic",
            "Cosmetic bag, floral", "Bag for life, jute"]
    for i, title in enumerate(bags):
        expect = "BLOCK" if i < 4 else "PASS"
        why = ("within the breaker's window: the runaway term still decides (hit %d of the limit 4)" % (i + 1)
               if i < 4 else "the breaker has demoted the runaway term: shadow only")
        L.create(expect, f, "runaway term 'bag', %s: %s" % (why, title), "GB", title, sid=bag_sellers[i])
        if i == 5:
            L.create("BLOCK", f, "the rest of the changed list still decides: Stiletto knife", "GB",
                     "Stiletto knife, 20cm")
            L.create("BLOCK", f, "every other list still decides: Switchblade", "GB", "Switchblade, black")
            L.create("PASS", f, "an unrelated listing is untouched", "GB", "Oak side table")
            for k in range(8):
                L.create("BLOCK", f, "a flood of a real prohibited item by two sellers (hit %d, limit 4): "
                         "fewer sellers than min_subjects, the term is never demoted: Switchblade" % (k + 2),
                         "GB", "Switchblade, %d cm blade" % (8 + k), sid="s-gb-flood" if k % 2 == 0 else None)
    L.create("BLOCK", f, "a real weapon in a 'bag' listing still blocks on its own term", "GB",
             "Bag of throwing stars")
    L.create("PASS", f, "a benign 'bag' listing in another region: demoted there too (one breaker per scorer)",
             "DE", "Handtasche, Leder bag")
    L.create("PASS", f, "and in the US", "US", "Duffel bag, waterproof")
    return w


HEADER_PROHIBITED = [
    "Warden prohibited-products evaluation set. GENERATED by make_eval_prohibited.py in this directory: edit the script.",
    "Run: ./warden eval --input core/src/test/resources/eval/eval-prohibited.jsonl",
    "Every term list of the built-in policy, with its innocent look-alikes; sources in docs/prohibited-items.md.",
]

HEADER_RUNAWAY = [
    "Warden circuit-breaker evaluation set. GENERATED by make_eval_prohibited.py in this directory: edit the script.",
    "Run: ./warden eval --input core/src/test/resources/eval/eval-runaway.jsonl",
    "The policy patch below is merged onto the policy the set runs with: a change that adds the common word 'bag'",
    "to a block list, with a small breaker window. See docs/breaker.md.",
]


def main():
    build_prohibited().write("eval-prohibited.jsonl", HEADER_PROHIBITED)
    w = build_runaway()
    header = HEADER_RUNAWAY
    with open(os.path.join(HERE, "eval-runaway.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write("// " + h + "\n")
        f.write("// policy-patch: " + json.dumps(RUNAWAY_PATCH, ensure_ascii=False) + "\n")
        for line in w.lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
