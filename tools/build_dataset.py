#!/usr/bin/env python3
"""Build the mechanical files of the bundled dataset from the shared source material.

Writes, under the repository's ``data/`` folder:

* ``provincies.json``   from ``raw/rwc_provincies_compleet_1.json`` (TOOI "Register provincies compleet" v1)
* ``gemeenten.json``    from ``tooi_gemeenten_flat.csv`` (TOOI "Register gemeenten compleet" v4)
* ``herindelingen.json`` from ``tooi_gemeente_wijzigingen.csv`` (same register)

The curated files (bronnen, ambtelijke_fusies, onderzoeken, evaluaties) are maintained by hand
and are not touched. Output is deterministic: records in a stable order, 2-space indent,
UTF-8 without escaping, trailing newline. Running the script twice gives identical files.

Usage: python3 tools/build_dataset.py [SHARED_DATA_DIR]
       (default: ../shared/data relative to the repository root)

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"

BRON_GEMEENTEN = "tooi-gemeenten-compleet-4"
BRON_PROVINCIES = "tooi-provincies-compleet-1"

TOOI = "https://identifier.overheid.nl/tooi/def/ont/"
PROVINCIE_URI = "https://identifier.overheid.nl/tooi/id/provincie/"

SOORTEN = {
    "Samenvoeging": "SAMENVOEGING",
    "Uitbreiding": "UITBREIDING",
    "Herschikking": "HERSCHIKKING",
    "Afsplitsing": "AFSPLITSING",
}

# Known inconsistencies inside the TOOI register, corrected here so that the herindeling agrees with
# the municipality records. Keyed by the change's TOOI URI: (date in the change record, corrected
# date, note). The build fails if the source no longer has the stated date, so a fixed register
# does not silently get "corrected" again.
DATE_CORRECTIONS = {
    "https://identifier.overheid.nl/tooi/id/gemeente/wzg_01701619": (
        "2006-05-20",
        "2006-05-19",
        "The TOOI change record dates this renaming 2006-05-20, but the register's own municipality records "
        "end Groenlo (GM0240) on 2006-05-18 and begin Oost Gelre (GM1586) on 2006-05-19, and their "
        "invalidation and generation timestamps also say 2006-05-19. The date is set to 2006-05-19 so that "
        "the change agrees with the municipality records; the key is derived from the corrected date.",
    ),
}

# Municipalities the TOOI register leaves out, added so that the counts per date agree with CBS.
# Each entry: the record to add (without bronnen), the TOOI change it belongs to (URI, role), its
# citations, and the note recorded on the change. The build fails if the register ever gains the
# code itself, so a fixed register does not end up with the municipality twice.
MISSING_MUNICIPALITIES = [
    {
        "gemeente": {
            "code": "GM0248",
            "naam": "Hengelo",
            "provincie": "PV25",
            "begindatum": None,
            "einddatum": "2004-12-31",
            "tooi_uri": None,
            "opmerking": (
                "Hengelo (Gelderland) is missing from the TOOI register, which lists only four of the five "
                "municipalities merged into Bronckhorst on 2005-01-01. Added from public sources: plaatsengids.nl "
                "names Hengelo among the five and calls it an independent municipality up to and including 2004; "
                "CBS's counts of 489 municipalities on 2003-01-01 and 483 on 2004-01-01 hold only with it. Its "
                "CBS code GM0248 is taken from a source review and was not re-read here. The begin date is empty, "
                "as for every municipality that existed before the register's coverage."
            ),
        },
        "wijziging": "https://identifier.overheid.nl/tooi/id/gemeente/wzg_06926706",
        "rol": "opgeheven",
        "bronnen": [
            {
                "bron": "plaatsengids-bronckhorst",
                "toelichting": "Names Hengelo as one of the five municipalities merged into Bronckhorst in 2005.",
            },
            {
                "bron": "plaatsengids-hengelo-gelderland",
                "toelichting": "Hengelo was an independent municipality up to and including 2004.",
            },
            {
                "bron": "cbs-2003-489-gemeenten",
                "toelichting": "489 municipalities on 2003-01-01: the count holds only with Hengelo.",
            },
            {
                "bron": "cbs-2004-483-gemeenten",
                "toelichting": "483 municipalities on 2004-01-01: the count holds only with Hengelo.",
            },
        ],
        "opmerking": (
            "The TOOI change record lists four abolished municipalities; Hengelo (GM0248), the fifth, is missing "
            "from the register and was added by the build (see its municipality record)."
        ),
    },
]

CBS_CODE = re.compile(r"^GM\d{4}$")
PV_CODE = re.compile(r"^PV\d{2}$")


class SourceError(Exception):
    """The shared source material does not have the expected shape."""


def slug(text: str) -> str:
    """Lowercase ASCII slug: accents stripped, runs of other characters become one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def iso_date(value: str, where: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise SourceError(f"{where}: not a date: {value!r}") from exc


def citation(bron: str) -> list[dict]:
    return [{"bron": bron, "toelichting": None}]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def first_value(node: dict, prop: str) -> str | None:
    values = node.get(TOOI + prop) or []
    return values[0].get("@value") if values else None


def build_provincies(src: Path) -> list[dict]:
    nodes = json.loads((src / "raw" / "rwc_provincies_compleet_1.json").read_text(encoding="utf-8"))
    out = []
    for node in nodes:
        if TOOI + "Provincie" not in node.get("@type", []):
            continue  # the register's own metadata node
        uri = node["@id"]
        code = "PV" + (first_value(node, "provinciecode") or "")
        if not PV_CODE.match(code) or not uri.endswith("/" + code.lower()):
            raise SourceError(f"province {uri}: unexpected code {code!r}")
        naam = first_value(node, "officieleNaamExclSoort")
        if not naam:
            raise SourceError(f"province {uri}: no name")
        out.append({"code": code, "naam": naam, "tooi_uri": uri, "bronnen": citation(BRON_PROVINCIES)})
    out.sort(key=lambda p: p["code"])
    if len(out) != 12:
        raise SourceError(f"expected 12 provinces, found {len(out)}")
    return out


def build_gemeenten(src: Path, provincie_codes: set[str]) -> list[dict]:
    rows = read_csv(src / "tooi_gemeenten_flat.csv")
    out = []
    seen = set()
    for i, row in enumerate(rows, start=2):
        where = f"tooi_gemeenten_flat.csv line {i}"
        code = row["cbs_code"].strip()
        if not CBS_CODE.match(code):
            raise SourceError(f"{where}: bad CBS code {code!r}")
        if code in seen:
            raise SourceError(f"{where}: duplicate CBS code {code}")
        seen.add(code)
        if row["tooi_code"].strip().upper() != code:
            raise SourceError(f"{where}: TOOI code {row['tooi_code']!r} does not match {code}")
        prov_uri = row["provincie_uri"].strip()
        if not prov_uri.startswith(PROVINCIE_URI):
            raise SourceError(f"{where}: unexpected province URI {prov_uri!r}")
        provincie = prov_uri[len(PROVINCIE_URI):].upper()
        if provincie not in provincie_codes:
            raise SourceError(f"{where}: unknown province {provincie}")
        out.append(
            {
                "code": code,
                "naam": row["naam"].strip(),
                "provincie": provincie,
                "begindatum": iso_date(row["begindatum"], where),
                "einddatum": iso_date(row["einddatum"], where),
                "tooi_uri": row["tooi_uri"].strip() or None,
                "bronnen": citation(BRON_GEMEENTEN),
            }
        )
    for extra in MISSING_MUNICIPALITIES:
        record = dict(extra["gemeente"])
        if record["code"] in seen:
            raise SourceError(f"{record['code']} is in the register now; drop it from MISSING_MUNICIPALITIES")
        record["bronnen"] = [dict(c) for c in extra["bronnen"]]
        out.append(record)
    out.sort(key=lambda g: g["code"])
    return out


def parse_members(cell: str, where: str, known: dict[str, dict]) -> list[tuple[str, str]]:
    """'GM0154:Genemuiden|GM0161:Hasselt' -> [(code, name), ...] in source order."""
    members = []
    for part in filter(None, (p.strip() for p in cell.split("|"))):
        code, _, name = part.partition(":")
        code = code.strip()
        if code not in known:
            raise SourceError(f"{where}: unknown municipality {code}")
        members.append((code, name.strip()))
    return members


def build_herindelingen(src: Path, gemeenten: list[dict]) -> list[dict]:
    known = {g["code"]: g for g in gemeenten}
    rows = read_csv(src / "tooi_gemeente_wijzigingen.csv")
    out = []
    for i, row in enumerate(rows, start=2):
        where = f"tooi_gemeente_wijzigingen.csv line {i}"
        soort = SOORTEN.get(row["type"].strip())
        if soort is None:
            raise SourceError(f"{where}: unknown type {row['type']!r}")
        datum = iso_date(row["datum"], where)
        if datum is None:
            raise SourceError(f"{where}: no date")
        uri = row["wijziging_uri"].strip()
        opmerking = None
        toelichting = None
        if uri in DATE_CORRECTIONS:
            source_date, corrected, opmerking = DATE_CORRECTIONS[uri]
            if datum != source_date:
                raise SourceError(f"{where}: correction for {uri} expects {source_date}, source has {datum}")
            datum = corrected
            toelichting = f"Date corrected from {source_date} (change record) to {corrected} (municipality records)."
        opgeheven = parse_members(row["opgeheven (prov:invalidated)"], where, known)
        ontvangend = parse_members(row["voortgezet/ontvangend (prov:used)"], where, known)
        nieuw = parse_members(row["nieuw (prov:generated)"], where, known)
        roles = {"opgeheven": opgeheven, "ontvangend": ontvangend, "nieuw": nieuw}
        extra_bronnen = []
        for extra in (m for m in MISSING_MUNICIPALITIES if m["wijziging"] == uri):
            code = extra["gemeente"]["code"]
            roles[extra["rol"]].append((code, extra["gemeente"]["naam"]))
            opmerking = f"{opmerking} {extra['opmerking']}" if opmerking else extra["opmerking"]
            extra_bronnen.append(dict(extra["bronnen"][0]))
        # Key: date + slug of the new municipality, else of the first receiving one (source order).
        named = nieuw or ontvangend
        if not named:
            raise SourceError(f"{where}: neither a new nor a receiving municipality")
        record = {
            "sleutel": f"{datum}-{slug(known[named[0][0]]['naam'])}",
            "soort": soort,
            "datum": datum,
            "opgeheven": sorted(c for c, _ in opgeheven),
            "ontvangend": sorted(c for c, _ in ontvangend),
            "nieuw": sorted(c for c, _ in nieuw),
            "tooi_uri": uri or None,
        }
        if opmerking is not None:
            record["opmerking"] = opmerking
        record["bronnen"] = [{"bron": BRON_GEMEENTEN, "toelichting": toelichting}, *extra_bronnen]
        out.append(record)
    out.sort(key=lambda h: (h["datum"], h["sleutel"]))
    unused = (set(DATE_CORRECTIONS) | {m["wijziging"] for m in MISSING_MUNICIPALITIES}) - {
        h["tooi_uri"] for h in out
    }
    if unused:
        raise SourceError(f"corrections for unknown changes: {sorted(unused)}")
    keys = [h["sleutel"] for h in out]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise SourceError(f"herindeling keys are not unique: {dupes}")
    return out


def write_json(path: Path, records: list[dict]) -> None:
    text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "shared_data",
        nargs="?",
        default=str(REPO.parent / "shared" / "data"),
        help="folder with the shared source material (default: ../shared/data relative to the repo)",
    )
    args = parser.parse_args(argv)
    src = Path(args.shared_data).resolve()
    if not src.is_dir():
        print(f"error: {src} is not a directory", file=sys.stderr)
        return 2
    try:
        provincies = build_provincies(src)
        gemeenten = build_gemeenten(src, {p["code"] for p in provincies})
        herindelingen = build_herindelingen(src, gemeenten)
    except (SourceError, KeyError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    DATA.mkdir(exist_ok=True)
    write_json(DATA / "provincies.json", provincies)
    write_json(DATA / "gemeenten.json", gemeenten)
    write_json(DATA / "herindelingen.json", herindelingen)
    print(
        f"wrote {len(provincies)} provincies, {len(gemeenten)} gemeenten, "
        f"{len(herindelingen)} herindelingen to {DATA}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
