"""The synthetic "large" scale: ambtelijke fusies that do not exist, added to a copy of the
bundled dataset so that a nested query returns hundreds of kilobytes.

Every synthetic fusie has a key starting with `synthetisch-`, reikwijdte GEDEELTELIJK (so no
rule about full participations is touched) and a note saying that it is benchmark data. They
are only ever written to the harness's own `*_large` databases, never to `data/`.

The rows are the same on every run and on both databases: members are drawn with a fixed
linear congruential generator from the municipalities that existed through the whole period.
"""

BEGIN = "2014-01-01"
END = "2016-12-31"
PREFIX = "synthetisch-"
NOTE = "synthetic benchmark data (bench/synthetic.py): not a real cooperation"


def members(codes, fusies, per_fusie, seed=20160113):
    """(sleutel, vorm, [(code, rol)]) for each synthetic fusie, drawn from `codes`."""
    state = seed
    out = []
    for i in range(fusies):
        picked = []
        while len(picked) < per_fusie:
            state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
            code = codes[(state >> 33) % len(codes)]
            if code not in picked:
                picked.append(code)
        sleutel = f"{PREFIX}{i + 1:05d}"
        if i % 4 == 3:
            rollen = ["CENTRUMGEMEENTE"] + ["AFNEMER"] * (per_fusie - 1)
            vorm = "CENTRUMCONSTRUCTIE"
        else:
            rollen = ["DEELNEMER"] * per_fusie
            vorm = "FUSIEORGANISATIE"
        out.append((sleutel, vorm, list(zip(picked, rollen))))
    return out


def eligible_codes_sql():
    """The municipalities that existed on every day of the synthetic period, in code order."""
    return (
        "SELECT code FROM gemeente "
        f"WHERE (begindatum IS NULL OR begindatum <= '{BEGIN}') "
        f"AND (einddatum IS NULL OR einddatum >= '{END}') ORDER BY code"
    )


def insert_sql(rows, dialect):
    """Statements that add `rows` (from `members`) on `dialect` ('postgres' or 'sqlite')."""
    date = (lambda d: f"DATE '{d}'") if dialect == "postgres" else (lambda d: f"'{d}'")
    statements = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ",\n".join(
            f"('{sleutel}', '{vorm}', 'Synthetische samenwerking {sleutel[len(PREFIX):]}', "
            f"'GEMEENSCHAPPELIJK_ORGAAN', 'GEDEELTELIJK', {date(BEGIN)}, {date(END)}, '{NOTE}')"
            for sleutel, vorm, _ in chunk
        )
        statements.append(
            "INSERT INTO ambtelijke_fusie "
            "(sleutel, vorm, naam, rechtsvorm, reikwijdte, begindatum, einddatum, opmerking) VALUES\n"
            + values
            + ";"
        )
        links = ",\n".join(
            f"('{sleutel}', '{code}', '{rol}')" for sleutel, _, leden in chunk for code, rol in leden
        )
        statements.append(
            f"WITH v(sleutel, code, rol) AS (VALUES\n{links})\n"
            "INSERT INTO deelname (ambtelijke_fusie_id, gemeente_id, rol, begindatum, einddatum, opmerking)\n"
            f"SELECT f.id, g.id, v.rol, {date(BEGIN)}, {date(END)}, '{NOTE}' FROM v\n"
            "JOIN ambtelijke_fusie f ON f.sleutel = v.sleutel JOIN gemeente g ON g.code = v.code;"
        )
    return "\n".join(statements) + "\n"
