"""The peer: PostGraphile 4 (npm, pinned in bench/peer/package.json) with the connection-filter
plugin, serving the same PostgreSQL tables as the server under test (`bash bench/run --peer`).

PostGraphile derives its schema from the tables, so each benchmark query is rewritten for that
schema (bench/peer/queries/) and its answer is brought into this API's shape by a function below
before it is compared with the floor's. `statistiek` has no counterpart (PostGraphile counts
nothing of this kind without custom SQL functions), so the peer does not run it.
"""

import json
import subprocess
from pathlib import Path

import harness

PEER = Path(__file__).resolve().parent / "peer"
QUERIES = PEER / "queries"


def start(url, workdir):
    """Installs the pinned packages when needed and starts PostGraphile on `url`."""
    if not (PEER / "node_modules" / ".bin" / "postgraphile").exists():
        harness.log("installing PostGraphile (npm ci in bench/peer)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=PEER, check=True)
    cmd = [
        str(PEER / "node_modules" / ".bin" / "postgraphile"),
        "--connection", url, "--schema", "public", "--host", "127.0.0.1", "--port", "{port}",
        "--append-plugins", "postgraphile-plugin-connection-filter", "--disable-query-log",
    ]
    return harness.Process("postgraphile", cmd, {"NODE_ENV": "production"}, workdir, "/graphql", cwd=PEER)


def check(server, name, expected):
    """The peer's request body for `name` once its answer, reshaped, equals `expected`; None
    when the peer has no counterpart of the query."""
    file = QUERIES / f"{name}.graphql"
    if not file.exists():
        return None
    body = json.dumps({"query": file.read_text()})
    _, answer = harness.http_json(server.url + "/graphql", body)
    if answer.get("errors"):
        raise harness.Failure(f"PostGraphile {name}: errors {json.dumps(answer['errors'])[:400]}")
    reshaped = RESHAPE[name](answer["data"])
    difference = harness.first_difference(reshaped, expected)
    if difference:
        raise harness.Failure(f"PostGraphile {name}: the answer differs from the floor's at {difference}")
    harness.log(f"PostGraphile {name}: answer equals the floor's once reshaped")
    return body


def typename(vorm):
    return "Fusieorganisatie" if vorm == "FUSIEORGANISATIE" else "Centrumconstructie"


def lookup(data):
    g = data["gemeenteByCode"]
    return {"gemeente": {
        "id": f"Gemeente:{g['code']}", "code": g["code"], "naam": g["naam"],
        "begindatum": g["begindatum"], "einddatum": g["einddatum"],
        "provincie": g["provincieByProvincieId"],
    }}


def nested(data):
    edges = []
    for g in data["allGemeentes"]["nodes"]:
        fusies = {}
        for deelname in g["deelnamesByGemeenteId"]["nodes"]:
            f = deelname["ambtelijkeFusieByAmbtelijkeFusieId"]
            fusies[f["sleutel"]] = f
        ordered = sorted(fusies.values(), key=lambda f: (f["begindatum"] is not None, f["begindatum"] or "",
                                                         f["sleutel"].encode()))
        edges.append({"node": {
            "id": f"Gemeente:{g['code']}", "naam": g["naam"], "provincie": g["provincieByProvincieId"],
            "ambtelijkeFusies": [{
                "__typename": typename(f["vorm"]), "naam": f["naam"], "afkorting": f["afkorting"],
                "rechtsvorm": f["rechtsvorm"], "reikwijdte": f["reikwijdte"], "begindatum": f["begindatum"],
                "einddatum": f["einddatum"], "eindreden": f["eindreden"],
                "deelnames": [{"rol": d["rol"], "gemeente": d["gemeenteByGemeenteId"]}
                              for d in f["deelnamesByAmbtelijkeFusieId"]["nodes"]],
            } for f in ordered],
        }})
    return {"gemeenten": {"edges": edges}}


def herindelingen(data):
    out = {}
    for page, connection in data.items():
        edges = []
        for g in connection["nodes"]:
            found = {}
            for link in g["herindelingGemeentesByGemeenteId"]["nodes"]:
                h = link["herindelingByHerindelingId"]
                found[h["sleutel"]] = h
            items = []
            for h in sorted(found.values(), key=lambda h: (h["datum"], h["sleutel"].encode())):
                members = h["herindelingGemeentesByHerindelingId"]["nodes"]
                role = lambda rol: [{"code": c} for c in sorted(  # noqa: E731
                    {m["gemeenteByGemeenteId"]["code"] for m in members if m["rol"] == rol})]
                items.append({"sleutel": h["sleutel"], "soort": h["soort"], "datum": h["datum"],
                              "opgeheven": role("OPGEHEVEN"), "ontvangend": role("ONTVANGEND"), "nieuw": role("NIEUW")})
            edges.append({"node": {"code": g["code"], "naam": g["naam"], "herindelingen": items}})
        out[page] = {"edges": edges}
    return out


def filtered(data):
    connection = data["allAmbtelijkeFusies"]
    edges = []
    for f in connection["nodes"]:
        gemeenten = {d["gemeenteByGemeenteId"]["code"]: d["gemeenteByGemeenteId"]
                     for d in f["deelnamesByAmbtelijkeFusieId"]["nodes"]}
        edges.append({"node": {
            "__typename": typename(f["vorm"]), "sleutel": f["sleutel"], "naam": f["naam"],
            "begindatum": f["begindatum"], "gemeenten": [gemeenten[c] for c in sorted(gemeenten)],
        }})
    return {"ambtelijkeFusies": {"totalCount": connection["totalCount"], "pageInfo": connection["pageInfo"],
                                 "edges": edges}}


RESHAPE = {"lookup": lookup, "nested": nested, "herindelingen": herindelingen, "filtered": filtered}
