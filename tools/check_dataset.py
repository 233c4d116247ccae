#!/usr/bin/env python3
"""Validate the bundled dataset under data/ against the rules of the dataset format.

Checks every file for shape (known fields only, enums, dates, slugs), references (codes, keys,
bronnen), periods (einddatum >= begindatum; deelnames inside their gemeente's existence and
their fusie's period), the fusion rules (at most one VOLLEDIG fusion per municipality on any
date; a centrumconstructie has exactly one CENTRUMGEMEENTE on every date and at least one
AFNEMER; a fusieorganisatie has at least two DEELNEMERs when it starts) and the herindeling
rules (abolished municipalities end the day before, new ones begin on the day). It also checks
that each file is written in the canonical layout (2-space indent, trailing newline).

Prints the number of municipalities on every 1 January with a published CBS figure (which must match)
and the registry's own counts of ambtelijke fusies next to the study's published figures.
Exits 1 when any rule is violated.

Usage: python3 tools/check_dataset.py [DATA_DIR]     (default: data/ in the repository)

Python 3.11, standard library only.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FILES = [
    "bronnen.json",
    "provincies.json",
    "gemeenten.json",
    "herindelingen.json",
    "ambtelijke_fusies.json",
    "onderzoeken.json",
    "evaluaties.json",
]

EXPECTED_RECORDS = {"provincies.json": 12, "gemeenten.json": 606, "herindelingen.json": 128, "ambtelijke_fusies.json": 32}

# The number of municipalities on 1 January as CBS published it (on its own site or as reported by the
# press), with the source in bronnen.json. 2010 is missing: no CBS or other official figure was found.
# 2018 and 2020 follow from CBS's "N fewer than a year before" for the next year. Before 2003 the register
# differs from CBS (Echt-Susteren and Sluis without a begin date, see data/README.md), so no year before
# 2003 is listed.
OFFICIAL_COUNTS = {
    "2003-01-01": (489, "cbs-2003-489-gemeenten"),
    "2004-01-01": (483, "cbs-2004-483-gemeenten"),
    "2005-01-01": (467, "cbs-2005-467-gemeenten"),
    "2006-01-01": (458, "cbs-2006-458-gemeenten"),
    "2007-01-01": (443, "cbs-2007-443-gemeenten"),
    "2008-01-01": (443, "cbs-2008-443-gemeenten"),
    "2009-01-01": (441, "cbs-2009-441-gemeenten"),
    "2011-01-01": (418, "nieuwsnl-2020-12-30-gemeenten-2021"),
    "2012-01-01": (415, "nd-1076605-gemeenten-2022"),
    "2013-01-01": (408, "trendsinhr-2013-408-gemeenten"),
    "2014-01-01": (403, "nu-3966581-minder-dan-vierhonderd-gemeenten"),
    "2015-01-01": (393, "nu-3966581-minder-dan-vierhonderd-gemeenten"),
    "2016-01-01": (390, "innolumis-2016-01-12-cbs-390-gemeenten"),
    "2017-01-01": (388, "rd-1362922-bijna-240-gemeenten-minder"),
    "2018-01-01": (380, "blikopnieuws-269778-sterkste-daling-gemeenten"),
    "2019-01-01": (355, "blikopnieuws-269778-sterkste-daling-gemeenten"),
    "2020-01-01": (355, "nieuwsnl-2020-12-30-gemeenten-2021"),
    "2021-01-01": (352, "nieuwsnl-2020-12-30-gemeenten-2021"),
    "2022-01-01": (345, "nd-1076605-gemeenten-2022"),
    "2023-01-01": (342, "blikopnieuws-296914-342-gemeenten-2023"),
}
FUSION_DATES = ["2015-01-01", "2016-01-01"]

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
GM = re.compile(r"^GM\d{4}$")
PV = re.compile(r"^PV\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

VORM = {"FUSIEORGANISATIE", "CENTRUMCONSTRUCTIE"}
RECHTSVORM = {
    "OPENBAAR_LICHAAM",
    "BEDRIJFSVOERINGSORGANISATIE",
    "GEMEENSCHAPPELIJK_ORGAAN",
    "CENTRUMGEMEENTEREGELING",
    "REGELING_ZONDER_MEER",
    "PRIVAATRECHTELIJK",
    "ONBEKEND",
}
REIKWIJDTE = {"VOLLEDIG", "GEDEELTELIJK"}
EINDREDEN = {"HERINDELING", "ONTVLOCHTEN", "OPGEHEVEN", "OPGEGAAN_IN_ANDERE_SAMENWERKING", "ONBEKEND"}
ROL = {"DEELNEMER", "CENTRUMGEMEENTE", "AFNEMER"}
HERINDELING_SOORT = {"SAMENVOEGING", "UITBREIDING", "HERSCHIKKING", "AFSPLITSING"}
KENGETAL_SOORT = {"AANTAL_AMBTELIJKE_FUSIEORGANISATIES", "AANTAL_DEELNEMENDE_GEMEENTEN", "OVERIG"}
TEVREDENHEID = {"TEVREDEN", "GEMENGD", "ONTEVREDEN", "ONBEKEND"}
MOTIEF = {"UITVOERINGSKRACHT", "POSITIE_IN_REGIO", "HERINDELING_VOORKOMEN_OF_VOORUITLOPEN", "REORGANISATIE", "ANDERS"}
DOEL = {"DIENSTVERLENING", "KWETSBAARHEID", "BEDRIJFSVOERINGSLASTEN", "KWALITEIT", "ANDERS"}
REALISATIE = {"GEREALISEERD", "DEELS_GEREALISEERD", "NIET_GEREALISEERD", "ONBEKEND"}
RISICO = {"POLITIEK_PRIMAAT", "LOKALE_BELEIDSVRIJHEID", "WISSELING_SLEUTELFIGUREN", "UITEENLOPENDE_MOTIEVEN_EN_DOELEN", "ANDERS"}

# Field sets: (required, optional). The Rust loader rejects unknown fields.
FIELDS = {
    "bron": ({"sleutel", "titel", "uitgever", "url", "datum", "opmerking"}, {"geldend_van", "geldend_tot", "vervallen_per"}),
    "provincie": ({"code", "naam", "tooi_uri", "bronnen"}, set()),
    "gemeente": ({"code", "naam", "provincie", "begindatum", "einddatum", "tooi_uri", "bronnen"}, {"opmerking"}),
    "herindeling": ({"sleutel", "soort", "datum", "opgeheven", "ontvangend", "nieuw", "tooi_uri", "bronnen"}, {"opmerking"}),
    "fusie": (
        {
            "sleutel", "vorm", "naam", "afkorting", "rechtsvorm", "rechtsvorm_omschrijving", "reikwijdte",
            "begindatum", "einddatum", "eindreden", "eindreden_toelichting", "tooi_so_id", "cbs_gr_code",
            "opmerking", "deelnames", "bronnen",
        },
        {"onzeker"},
    ),
    "deelname": ({"gemeente", "rol", "begindatum", "einddatum", "taken"}, {"onzeker", "opmerking"}),
    "onderzoek": (
        {"sleutel", "titel", "uitvoerder", "opdrachtgever", "publicatiedatum", "url", "kamerstuk", "opmerking",
         "kengetallen", "bronnen"},
        {"onzeker", "organisaties"},
    ),
    "organisatie": ({"naam", "ambtelijke_fusie", "bron", "toelichting"}, set()),
    "kengetal": ({"sleutel", "soort", "peildatum", "waarde", "eenheid", "omschrijving", "opmerking"}, set()),
    "evaluatie": (
        {"sleutel", "onderzoek", "ambtelijke_fusie", "datum", "samenvatting", "tevredenheid", "voordelen_wegen_op",
         "motieven", "doelen", "risicos", "opmerking", "bronnen"},
        {"onzeker", "doelrealisatie", "doelrealisatie_toelichting", "bevindingen"},
    ),
    "bevinding": ({"omschrijving", "citaat"}, set()),
    "motief": ({"motief", "toelichting"}, set()),
    "doel": ({"doel", "realisatie", "streefwaarde", "gerealiseerde_waarde", "eenheid", "toelichting"}, set()),
    "risico": ({"risico", "ervaren", "toelichting"}, set()),
    "citation": ({"bron", "toelichting"}, set()),
}


class Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.bron_refs: list[tuple[str, str]] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")

    # -- primitives -----------------------------------------------------------------------------

    def fields(self, where: str, rec: object, kind: str) -> bool:
        if not isinstance(rec, dict):
            self.err(where, f"expected an object, got {type(rec).__name__}")
            return False
        required, optional = FIELDS[kind]
        missing = required - rec.keys()
        unknown = rec.keys() - required - optional
        if missing:
            self.err(where, f"missing field(s) {sorted(missing)}")
        if unknown:
            self.err(where, f"unknown field(s) {sorted(unknown)}")
        return not missing

    def string(self, where: str, rec: dict, key: str, *, nullable: bool = False) -> str | None:
        value = rec.get(key)
        if value is None:
            if not nullable:
                self.err(where, f"{key} must not be null")
            return None
        if not isinstance(value, str) or not value.strip():
            self.err(where, f"{key} must be a non-empty string, got {value!r}")
            return None
        if value != value.strip():
            self.err(where, f"{key} has leading or trailing whitespace")
        return value

    def datum(self, where: str, rec: dict, key: str, *, nullable: bool = True) -> date | None:
        value = rec.get(key)
        if value is None:
            if not nullable:
                self.err(where, f"{key} must not be null")
            return None
        if not isinstance(value, str) or not DATE.match(value):
            self.err(where, f"{key} is not a YYYY-MM-DD date: {value!r}")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.err(where, f"{key} is not a valid date: {value!r}")
            return None

    def enum(self, where: str, rec: dict, key: str, allowed: set[str], *, nullable: bool = False) -> str | None:
        value = rec.get(key)
        if value is None and nullable:
            return None
        if value not in allowed:
            self.err(where, f"{key} {value!r} is not one of {sorted(allowed)}")
            return None
        return value

    def boolean(self, where: str, rec: dict, key: str) -> None:
        value = rec.get(key)
        if value is not None and not isinstance(value, bool):
            self.err(where, f"{key} must be true, false or null, got {value!r}")

    def number(self, where: str, rec: dict, key: str, *, nullable: bool = True) -> float | None:
        value = rec.get(key)
        if value is None:
            if not nullable:
                self.err(where, f"{key} must not be null")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(where, f"{key} must be a number, got {value!r}")
            return None
        return value

    def slug(self, where: str, rec: dict, key: str = "sleutel") -> str | None:
        value = self.string(where, rec, key)
        if value is not None and not SLUG.match(value):
            self.err(where, f"{key} {value!r} is not a lowercase slug [a-z0-9-]+")
        return value

    def period(self, where: str, begin: date | None, end: date | None) -> None:
        if begin is not None and end is not None and end < begin:
            self.err(where, f"einddatum {end} is before begindatum {begin}")

    def onzeker(self, where: str, rec: dict) -> None:
        value = rec.get("onzeker", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(where, "onzeker must be a list of field names")
            return
        if len(set(value)) != len(value):
            self.err(where, "onzeker lists a field twice")
        for name in value:
            if name in ("onzeker", "opmerking", "bronnen", "sleutel") or name not in rec:
                self.err(where, f"onzeker names {name!r}, which is not a data field of this record")

    def citations(self, where: str, rec: dict, *, required: bool = True) -> None:
        value = rec.get("bronnen")
        if not isinstance(value, list):
            self.err(where, "bronnen must be a list")
            return
        if required and not value:
            self.err(where, "cites no bron")
        seen = set()
        for i, c in enumerate(value):
            w = f"{where} bronnen[{i}]"
            if not self.fields(w, c, "citation"):
                continue
            key = self.string(w, c, "bron")
            self.string(w, c, "toelichting", nullable=True)
            if key is not None:
                if key in seen:
                    self.err(w, f"cites bron {key!r} twice")
                seen.add(key)
                self.bron_refs.append((w, key))


def valid_on(begin: date | None, end: date | None, d: date) -> bool:
    return (begin is None or begin <= d) and (end is None or d <= end)


def overlap(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    lo = max((x for x in (a[0], b[0]) if x is not None), default=None)
    hi = min((x for x in (a[1], b[1]) if x is not None), default=None)
    return lo is None or hi is None or lo <= hi


def load(c: Checker, data_dir: Path) -> dict[str, list] | None:
    loaded = {}
    for name in FILES:
        path = data_dir / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            c.err(name, f"cannot read: {exc}")
            continue
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            c.err(name, f"not valid JSON: {exc}")
            continue
        if not isinstance(records, list):
            c.err(name, "top level must be a list")
            continue
        if text != json.dumps(records, ensure_ascii=False, indent=2) + "\n":
            c.err(name, "not in canonical layout (2-space indent, UTF-8 unescaped, trailing newline)")
        expected = EXPECTED_RECORDS.get(name)
        if expected is not None and len(records) != expected:
            c.err(name, f"expected {expected} records, found {len(records)}")
        loaded[name] = records
    return loaded if len(loaded) == len(FILES) else None


def unique(c: Checker, name: str, records: list, key: str) -> None:
    seen = set()
    for r in records:
        if isinstance(r, dict) and isinstance(r.get(key), str):
            if r[key] in seen:
                c.err(name, f"duplicate {key} {r[key]!r}")
            seen.add(r[key])


def check_bronnen(c: Checker, bronnen: list) -> set[str]:
    for r in bronnen:
        where = f"bronnen.json[{r.get('sleutel') if isinstance(r, dict) else '?'}]"
        if not c.fields(where, r, "bron"):
            continue
        c.slug(where, r)
        c.string(where, r, "titel")
        c.string(where, r, "uitgever", nullable=True)
        url = c.string(where, r, "url", nullable=True)
        if url is not None and not re.match(r"^https?://\S+$", url):
            c.err(where, f"url is not an http(s) address: {url!r}")
        c.datum(where, r, "datum")
        c.string(where, r, "opmerking", nullable=True)
        van = c.datum(where, r, "geldend_van")
        tot = c.datum(where, r, "geldend_tot")
        vervallen = c.datum(where, r, "vervallen_per")
        if (tot is not None or vervallen is not None) and van is None:
            c.err(where, "geldend_tot or vervallen_per without geldend_van")
        c.period(where, van, tot)
        if vervallen is not None and (tot is None or vervallen != tot + timedelta(days=1)):
            c.err(where, "vervallen_per must be the day after geldend_tot (the last version ends when the regulation lapses)")
    unique(c, "bronnen.json", bronnen, "sleutel")
    return {r["sleutel"] for r in bronnen if isinstance(r, dict) and isinstance(r.get("sleutel"), str)}


def check_provincies(c: Checker, provincies: list) -> set[str]:
    for r in provincies:
        where = f"provincies.json[{r.get('code') if isinstance(r, dict) else '?'}]"
        if not c.fields(where, r, "provincie"):
            continue
        code = c.string(where, r, "code")
        if code is not None and not PV.match(code):
            c.err(where, f"code {code!r} is not PV + 2 digits")
        c.string(where, r, "naam")
        c.string(where, r, "tooi_uri", nullable=True)
        c.citations(where, r)
    unique(c, "provincies.json", provincies, "code")
    return {r["code"] for r in provincies if isinstance(r, dict) and isinstance(r.get("code"), str)}


def check_gemeenten(c: Checker, gemeenten: list, provincies: set[str]) -> dict[str, tuple[date | None, date | None]]:
    periods = {}
    for r in gemeenten:
        where = f"gemeenten.json[{r.get('code') if isinstance(r, dict) else '?'}]"
        if not c.fields(where, r, "gemeente"):
            continue
        code = c.string(where, r, "code")
        if code is not None and not GM.match(code):
            c.err(where, f"code {code!r} is not GM + 4 digits")
        c.string(where, r, "naam")
        prov = c.string(where, r, "provincie")
        if prov is not None and prov not in provincies:
            c.err(where, f"provincie {prov!r} does not exist")
        begin = c.datum(where, r, "begindatum")
        end = c.datum(where, r, "einddatum")
        c.period(where, begin, end)
        c.string(where, r, "tooi_uri", nullable=True)
        c.string(where, r, "opmerking", nullable=True)
        c.citations(where, r)
        if code is not None:
            periods[code] = (begin, end)
    unique(c, "gemeenten.json", gemeenten, "code")
    return periods


def check_herindelingen(c: Checker, herindelingen: list, gem: dict) -> None:
    for r in herindelingen:
        where = f"herindelingen.json[{r.get('sleutel') if isinstance(r, dict) else '?'}]"
        if not c.fields(where, r, "herindeling"):
            continue
        key = c.slug(where, r)
        c.enum(where, r, "soort", HERINDELING_SOORT)
        d = c.datum(where, r, "datum", nullable=False)
        if key and d and not key.startswith(d.isoformat() + "-"):
            c.err(where, "sleutel does not start with the datum")
        c.string(where, r, "tooi_uri", nullable=True)
        c.string(where, r, "opmerking", nullable=True)
        c.citations(where, r)
        lists = {}
        for role in ("opgeheven", "ontvangend", "nieuw"):
            codes = r.get(role)
            if not isinstance(codes, list) or not all(isinstance(x, str) for x in codes):
                c.err(where, f"{role} must be a list of CBS codes")
                codes = []
            if len(set(codes)) != len(codes):
                c.err(where, f"{role} lists a municipality twice")
            for code in codes:
                if code not in gem:
                    c.err(where, f"{role} code {code!r} does not exist")
            lists[role] = [x for x in codes if x in gem]
        if not lists["opgeheven"]:
            c.err(where, "abolishes no municipality")
        if not lists["ontvangend"] and not lists["nieuw"]:
            c.err(where, "has neither a receiving nor a new municipality")
        both = set(lists["opgeheven"]) & (set(lists["ontvangend"]) | set(lists["nieuw"]))
        if both:
            c.err(where, f"{sorted(both)} both abolished and continuing")
        if d is None:
            continue
        day_before = d - timedelta(days=1)
        for code in lists["opgeheven"]:
            begin, end = gem[code]
            if end != day_before:
                c.err(where, f"abolished {code} ends on {end}, expected {day_before} (the day before the herindeling)")
        for code in lists["nieuw"]:
            begin, end = gem[code]
            if begin != d:
                c.err(where, f"new {code} begins on {begin}, expected {d}")
        for code in lists["ontvangend"]:
            begin, end = gem[code]
            if not (valid_on(begin, end, d) and valid_on(begin, end, day_before)):
                c.err(where, f"receiving {code} does not exist both on {day_before} and on {d}")


def check_fusies(c: Checker, fusies: list, gem: dict) -> dict[str, dict]:
    by_key = {}
    volledig: dict[str, list[tuple[str, date | None, date | None]]] = defaultdict(list)
    for f in fusies:
        key_ = f.get("sleutel") if isinstance(f, dict) else "?"
        where = f"ambtelijke_fusies.json[{key_}]"
        if not c.fields(where, f, "fusie"):
            continue
        key = c.slug(where, f)
        vorm = c.enum(where, f, "vorm", VORM)
        c.string(where, f, "naam")
        c.string(where, f, "afkorting", nullable=True)
        c.enum(where, f, "rechtsvorm", RECHTSVORM)
        c.string(where, f, "rechtsvorm_omschrijving", nullable=True)
        reik = c.enum(where, f, "reikwijdte", REIKWIJDTE)
        begin = c.datum(where, f, "begindatum")
        end = c.datum(where, f, "einddatum")
        c.period(where, begin, end)
        eindreden = c.enum(where, f, "eindreden", EINDREDEN, nullable=True)
        toel = c.string(where, f, "eindreden_toelichting", nullable=True)
        if (eindreden is None) != (f.get("einddatum") is None):
            c.err(where, "eindreden must be given exactly when einddatum is given")
        if toel is not None and eindreden is None:
            c.err(where, "eindreden_toelichting without eindreden")
        so = c.string(where, f, "tooi_so_id", nullable=True)
        if so is not None and not re.match(r"^so\d{4}$", so):
            c.err(where, f"tooi_so_id {so!r} is not 'so' + 4 digits")
        gr = c.string(where, f, "cbs_gr_code", nullable=True)
        if gr is not None and not re.match(r"^GR\d{4}$", gr):
            c.err(where, f"cbs_gr_code {gr!r} is not 'GR' + 4 digits")
        c.onzeker(where, f)
        c.string(where, f, "opmerking", nullable=True)
        if f.get("begindatum") is None and "begindatum" not in f.get("onzeker", []):
            c.err(where, "begindatum is null but not listed in onzeker")
        c.citations(where, f)
        if key is not None:
            by_key[key] = f

        deelnames = f.get("deelnames")
        if not isinstance(deelnames, list) or not deelnames:
            c.err(where, "has no deelnames")
            continue
        parsed = []
        for i, d in enumerate(deelnames):
            w = f"{where} deelnames[{i}:{d.get('gemeente') if isinstance(d, dict) else '?'}]"
            if not c.fields(w, d, "deelname"):
                continue
            code = c.string(w, d, "gemeente")
            rol = c.enum(w, d, "rol", ROL)
            db = c.datum(w, d, "begindatum")
            de = c.datum(w, d, "einddatum")
            c.period(w, db, de)
            c.string(w, d, "taken", nullable=True)
            c.string(w, d, "opmerking", nullable=True)
            c.onzeker(w, d)
            if vorm == "FUSIEORGANISATIE" and rol not in (None, "DEELNEMER"):
                c.err(w, f"rol {rol} in a FUSIEORGANISATIE (only DEELNEMER)")
            if vorm == "CENTRUMCONSTRUCTIE" and rol == "DEELNEMER":
                c.err(w, "rol DEELNEMER in a CENTRUMCONSTRUCTIE (only CENTRUMGEMEENTE or AFNEMER)")
            if code not in gem:
                c.err(w, f"gemeente {code!r} does not exist")
                continue
            gb, ge = gem[code]
            # Lower bound: the later of the fusion's and the municipality's begin (null = unbounded).
            lower = max((x for x in (begin, gb) if x is not None), default=None)
            if lower is not None and (db is None or db < lower):
                c.err(w, f"begins {db} before {lower} (start of its fusie or gemeente)")
            upper = min((x for x in (end, ge) if x is not None), default=None)
            if upper is not None and (de is None or de > upper):
                c.err(w, f"ends {de} after {upper} (end of its fusie or gemeente)")
            parsed.append((code, rol, db, de))

        # The same municipality twice in one fusion: periods must not overlap.
        per_code = defaultdict(list)
        for code, rol, db, de in parsed:
            per_code[code].append((db, de))
        for code, ps in per_code.items():
            for a in range(len(ps)):
                for b in range(a + 1, len(ps)):
                    if overlap(ps[a], ps[b]):
                        c.err(where, f"{code} has overlapping deelnames")

        if vorm == "CENTRUMCONSTRUCTIE":
            centra = sorted(
                ((db, de) for _, rol, db, de in parsed if rol == "CENTRUMGEMEENTE"),
                key=lambda p: p[0] or date.min,
            )
            if not centra:
                c.err(where, "centrumconstructie without a CENTRUMGEMEENTE")
            else:
                # Exactly one centrumgemeente on every date: contiguous, non-overlapping, covering the period.
                if centra[0][0] != begin:
                    c.err(where, f"no CENTRUMGEMEENTE from its begindatum {begin} (first from {centra[0][0]})")
                for (b1, e1), (b2, e2) in zip(centra, centra[1:]):
                    if e1 is None or b2 is None or b2 != e1 + timedelta(days=1):
                        c.err(where, f"CENTRUMGEMEENTE deelnames overlap or leave a gap between {e1} and {b2}")
                if centra[-1][1] != end:
                    c.err(where, f"no CENTRUMGEMEENTE up to its einddatum {end} (last until {centra[-1][1]})")
            if not any(rol == "AFNEMER" for _, rol, _, _ in parsed):
                c.err(where, "centrumconstructie without an AFNEMER")
        elif vorm == "FUSIEORGANISATIE":
            if begin is None:
                at_start = [code for code, rol, db, de in parsed if rol == "DEELNEMER" and db is None]
            else:
                at_start = [code for code, rol, db, de in parsed if rol == "DEELNEMER" and valid_on(db, de, begin)]
            if len(set(at_start)) < 2:
                c.err(where, f"fusieorganisatie with {len(set(at_start))} DEELNEMER(s) on its begindatum (needs >= 2)")

        if reik == "VOLLEDIG":
            for code, rol, db, de in parsed:
                volledig[code].append((key or "?", db, de))

    unique(c, "ambtelijke_fusies.json", fusies, "sleutel")
    for code, items in sorted(volledig.items()):
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                if items[a][0] != items[b][0] and overlap(items[a][1:], items[b][1:]):
                    c.err(
                        "ambtelijke_fusies.json",
                        f"{code} takes part in two VOLLEDIG fusions at once: {items[a][0]} and {items[b][0]}",
                    )
    return by_key


def check_regelingen(c: Checker, fusies: dict, bronnen: list) -> None:
    """A fusie must not contradict the 'Geldend van ... t/m ...' period of a regulation it cites."""
    regelingen = {b["sleutel"]: b for b in bronnen if isinstance(b, dict) and b.get("geldend_van")}
    for key, f in fusies.items():
        begin = date.fromisoformat(f["begindatum"]) if f.get("begindatum") else None
        end = date.fromisoformat(f["einddatum"]) if f.get("einddatum") else None
        for cit in f.get("bronnen", []):
            r = regelingen.get(cit.get("bron") if isinstance(cit, dict) else None)
            if r is None:
                continue
            where = f"ambtelijke_fusies.json[{key}] against {r['sleutel']}"
            van = date.fromisoformat(r["geldend_van"])
            tot = date.fromisoformat(r["geldend_tot"]) if r.get("geldend_tot") else None
            vervallen = date.fromisoformat(r["vervallen_per"]) if r.get("vervallen_per") else None
            if end is not None and end < van:
                c.err(where, f"ends {end}, before the cited version is in force (geldend van {van})")
            if begin is not None and tot is not None and tot < begin:
                c.err(where, f"begins {begin}, after the cited version ended (t/m {tot})")
            if vervallen is not None and (end is None or end >= vervallen):
                c.err(where, f"the regulation lapsed on {vervallen}, but the fusie runs until {end or 'today'}")
            if tot is None and vervallen is None and end is not None:
                c.err(where, f"the cited version is in force up to today, but the fusie ended on {end}")


def check_onderzoeken(c: Checker, onderzoeken: list, fusies: dict) -> dict[str, dict]:
    by_key = {}
    for o in onderzoeken:
        where = f"onderzoeken.json[{o.get('sleutel') if isinstance(o, dict) else '?'}]"
        if not c.fields(where, o, "onderzoek"):
            continue
        key = c.slug(where, o)
        for k in ("titel", "uitvoerder"):
            c.string(where, o, k)
        for k in ("opdrachtgever", "url", "kamerstuk", "opmerking"):
            c.string(where, o, k, nullable=True)
        c.datum(where, o, "publicatiedatum")
        c.onzeker(where, o)
        c.citations(where, o)
        kengetallen = o.get("kengetallen")
        if not isinstance(kengetallen, list):
            c.err(where, "kengetallen must be a list")
            kengetallen = []
        for k in kengetallen:
            w = f"{where} kengetallen[{k.get('sleutel') if isinstance(k, dict) else '?'}]"
            if not c.fields(w, k, "kengetal"):
                continue
            c.slug(w, k)
            c.enum(w, k, "soort", KENGETAL_SOORT)
            c.datum(w, k, "peildatum")
            c.number(w, k, "waarde", nullable=False)
            c.string(w, k, "eenheid", nullable=True)
            c.string(w, k, "omschrijving")
            c.string(w, k, "opmerking", nullable=True)
        unique(c, where, kengetallen, "sleutel")
        organisaties = o.get("organisaties", [])
        if not isinstance(organisaties, list):
            c.err(where, "organisaties must be a list")
            organisaties = []
        for g in organisaties:
            w = f"{where} organisaties[{g.get('naam') if isinstance(g, dict) else '?'}]"
            if not c.fields(w, g, "organisatie"):
                continue
            c.string(w, g, "naam")
            c.string(w, g, "toelichting", nullable=True)
            fus = c.string(w, g, "ambtelijke_fusie", nullable=True)
            if fus is not None and fus not in fusies:
                c.err(w, f"ambtelijke_fusie {fus!r} does not exist")
            bron = c.string(w, g, "bron")
            if bron is not None:
                c.bron_refs.append((w, bron))
        unique(c, where, organisaties, "naam")
        if key is not None:
            by_key[key] = o
    unique(c, "onderzoeken.json", onderzoeken, "sleutel")
    return by_key


def check_evaluaties(c: Checker, evaluaties: list, onderzoeken: dict, fusies: dict) -> None:
    for e in evaluaties:
        where = f"evaluaties.json[{e.get('sleutel') if isinstance(e, dict) else '?'}]"
        if not c.fields(where, e, "evaluatie"):
            continue
        c.slug(where, e)
        ond = c.string(where, e, "onderzoek", nullable=True)
        if ond is not None and ond not in onderzoeken:
            c.err(where, f"onderzoek {ond!r} does not exist")
        fus = c.string(where, e, "ambtelijke_fusie", nullable=True)
        if fus is not None and fus not in fusies:
            c.err(where, f"ambtelijke_fusie {fus!r} does not exist")
        if ond is None and fus is None:
            c.err(where, "neither an onderzoek nor an ambtelijke_fusie: a study-wide outcome needs its onderzoek")
        opm = c.string(where, e, "opmerking", nullable=True)
        if ond is None and opm is None:
            c.err(where, "onderzoek is null but opmerking does not say where the outcome comes from")
        c.datum(where, e, "datum")
        c.string(where, e, "samenvatting")
        c.enum(where, e, "tevredenheid", TEVREDENHEID)
        c.boolean(where, e, "voordelen_wegen_op")
        c.enum(where, e, "doelrealisatie", REALISATIE, nullable=True)
        c.string(where, e, "doelrealisatie_toelichting", nullable=True)
        if e.get("doelrealisatie_toelichting") is not None and e.get("doelrealisatie") is None:
            c.err(where, "doelrealisatie_toelichting without doelrealisatie")
        bevindingen = e.get("bevindingen", [])
        if not isinstance(bevindingen, list):
            c.err(where, "bevindingen must be a list")
            bevindingen = []
        for i, b in enumerate(bevindingen):
            w = f"{where} bevindingen[{i}]"
            if c.fields(w, b, "bevinding"):
                c.string(w, b, "omschrijving")
                c.string(w, b, "citaat", nullable=True)
        c.onzeker(where, e)
        c.citations(where, e)
        for part, kind, key, allowed in (
            ("motieven", "motief", "motief", MOTIEF),
            ("doelen", "doel", "doel", DOEL),
            ("risicos", "risico", "risico", RISICO),
        ):
            items = e.get(part)
            if not isinstance(items, list):
                c.err(where, f"{part} must be a list")
                continue
            seen = []
            for i, it in enumerate(items):
                w = f"{where} {part}[{i}]"
                if not c.fields(w, it, kind):
                    continue
                seen.append(c.enum(w, it, key, allowed))
                c.string(w, it, "toelichting", nullable=True)
                if kind == "doel":
                    c.enum(w, it, "realisatie", REALISATIE)
                    s = c.number(w, it, "streefwaarde")
                    g = c.number(w, it, "gerealiseerde_waarde")
                    unit = c.string(w, it, "eenheid", nullable=True)
                    if (s is not None or g is not None) and unit is None:
                        c.err(w, "a value without eenheid")
                if kind == "risico":
                    c.boolean(w, it, "ervaren")
            dupes = {x for x in seen if x is not None and x != "ANDERS" and seen.count(x) > 1}
            if dupes:
                c.err(where, f"{part} lists {sorted(dupes)} twice")
    unique(c, "evaluaties.json", evaluaties, "sleutel")


def fusion_counts(fusies: dict, d: date, *, centrumconstructies: bool) -> tuple[int, int]:
    orgs = 0
    members: set[str] = set()
    for f in fusies.values():
        if f.get("reikwijdte") != "VOLLEDIG":
            continue
        if f.get("vorm") == "CENTRUMCONSTRUCTIE" and not centrumconstructies:
            continue
        codes = {
            x["gemeente"]
            for x in f.get("deelnames", [])
            if valid_on(
                date.fromisoformat(x["begindatum"]) if x.get("begindatum") else None,
                date.fromisoformat(x["einddatum"]) if x.get("einddatum") else None,
                d,
            )
        }
        if codes:
            orgs += 1
            members |= codes
    return orgs, len(members)


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else REPO / "data"
    c = Checker()
    loaded = load(c, data_dir)
    if loaded is None:
        for e in c.errors:
            print(f"ERROR {e}")
        return 1

    for name, key in (
        ("provincies.json", lambda r: r.get("code", "")),
        ("gemeenten.json", lambda r: r.get("code", "")),
        ("herindelingen.json", lambda r: (r.get("datum") or "", r.get("sleutel") or "")),
    ):
        records = [r for r in loaded[name] if isinstance(r, dict)]
        if records != sorted(records, key=key):
            c.err(name, "records are not in the prescribed order")

    bronnen = check_bronnen(c, loaded["bronnen.json"])
    provincies = check_provincies(c, loaded["provincies.json"])
    gem = check_gemeenten(c, loaded["gemeenten.json"], provincies)
    check_herindelingen(c, loaded["herindelingen.json"], gem)
    fusies = check_fusies(c, loaded["ambtelijke_fusies.json"], gem)
    check_regelingen(c, fusies, loaded["bronnen.json"])
    onderzoeken = check_onderzoeken(c, loaded["onderzoeken.json"], fusies)
    check_evaluaties(c, loaded["evaluaties.json"], onderzoeken, fusies)

    for iso, (_, key) in OFFICIAL_COUNTS.items():
        c.bron_refs.append((f"official count {iso}", key))
    for where, key in c.bron_refs:
        if key not in bronnen:
            c.err(where, f"bron {key!r} does not exist in bronnen.json")
    unused = bronnen - {k for _, k in c.bron_refs}
    for key in sorted(unused):
        c.warn("bronnen.json", f"bron {key!r} is not cited by any record")

    print("Municipalities existing on the reference date (official count):")
    for iso, (expected, _) in OFFICIAL_COUNTS.items():
        d = date.fromisoformat(iso)
        n = sum(1 for b, e in gem.values() if valid_on(b, e, d))
        flag = "ok" if n == expected else "MISMATCH"
        print(f"  {iso}: {n} (official {expected}) {flag}")
        if n != expected:
            c.err("gemeenten.json", f"{n} municipalities on {iso}, official count is {expected}")

    print("Ambtelijke fusies of reikwijdte VOLLEDIG (registry's own records):")
    for iso in FUSION_DATES:
        d = date.fromisoformat(iso)
        fo = fusion_counts(fusies, d, centrumconstructies=False)
        alle = fusion_counts(fusies, d, centrumconstructies=True)
        print(
            f"  {iso}: {fo[0]} fusieorganisaties with {fo[1]} municipalities; "
            f"{alle[0]} incl. centrumconstructies with {alle[1]} municipalities"
        )
    print("Figures published by studies:")
    for o in onderzoeken.values():
        for k in o.get("kengetallen", []):
            print(f"  {o['sleutel']}: {k.get('soort')} on {k.get('peildatum')}: {k.get('waarde')}")
            if k.get("soort") == "AANTAL_AMBTELIJKE_FUSIEORGANISATIES" and isinstance(k.get("waarde"), (int, float)):
                orgs = [g for g in o.get("organisaties", []) if isinstance(g, dict)]
                held = [g["naam"] for g in orgs if g.get("ambtelijke_fusie")]
                print(
                    f"    attributed to the study: {len(orgs)} ({len(held)} held by the registry: {', '.join(held) or '-'}); "
                    f"not attributed: {max(0, round(k['waarde']) - len(orgs))}"
                )

    total = {name: len(loaded[name]) for name in FILES}
    deelnames = sum(len(f.get("deelnames", [])) for f in fusies.values())
    print("Records: " + ", ".join(f"{name.removesuffix('.json')} {n}" for name, n in total.items())
          + f", deelnames {deelnames}")

    for w in c.warnings:
        print(f"WARNING {w}")
    for e in c.errors:
        print(f"ERROR {e}")
    if c.errors:
        print(f"{len(c.errors)} violation(s)")
        return 1
    print("dataset OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
