#!/usr/bin/env python3
"""The benchmark harness behind `bash bench/run`: see bench/README.md.

It seeds fresh databases through the release binary, checks every answer of the server against
the same data built by one hand-written SQL statement (the floor), then drives the server with
`wrk` and the floor with `pgbench` (PostgreSQL) or a loop over Python's sqlite3 module (SQLite),
and prints a markdown table. Only 127.0.0.1 is loaded; every run is bounded in time.
"""

import argparse
import json
import math
import multiprocessing
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The peer module uses this one's helpers; run as a script, this module must be the one it finds.
sys.modules.setdefault("harness", sys.modules[__name__])
import peer as peer_mod  # noqa: E402
import synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "queries"
# The benchmark queries, in table order: (name, what the table calls it).
BENCHMARKS = [
    ("lookup", "lookup by CBS code"),
    ("nested", "nested, 100 municipalities"),
    ("herindelingen", "all municipalities with herindelingen (7 pages of 100)"),
    ("filtered", "filtered connection page"),
    ("statistiek", "statistiek"),
]
# Queries also run on the synthetic large scale.
LARGE = ["nested"]
CLOCK_TICK = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==========[%s]==========]
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Failure(Exception):
    """A step that makes the run worthless (a wrong answer, a server that died)."""


# --- databases ------------------------------------------------------------------------------


def psql(url, *args, sql=None, capture=False):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args, url]
    result = subprocess.run(cmd, input=sql, text=True, capture_output=True)
    if result.returncode != 0:
        raise Failure(f"psql failed: {result.stderr.strip()}")
    return result.stdout if capture else None


class Databases:
    """The fresh databases of one run: a SQLite file and a PostgreSQL database per scale."""

    def __init__(self, args, workdir):
        self.admin = args.pg_admin_url
        self.workdir = workdir
        self.pg_names = []
        self.binary = args.binary

    def pg_url(self, name):
        # Over loopback without TLS, for this server, pgbench and PostGraphile alike. sqlx and
        # libpq would otherwise negotiate TLS with a PostgreSQL that offers it (their default,
        # sslmode=prefer) while node-postgres never does: an unequal comparison (bench/RESULTS.md).
        return self.admin.rsplit("/", 1)[0] + "/" + name + "?sslmode=disable"

    def create_pg(self, scale):
        name = f"fusieregister_bench_{os.getpid()}_{scale}"
        psql(self.admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(self.admin, "-c", f"CREATE DATABASE {name}")
        self.pg_names.append(name)
        return self.pg_url(name)

    def sqlite_url(self, scale):
        return f"sqlite://{self.workdir}/{scale}.db?mode=rwc"

    def sqlite_path(self, scale):
        return self.workdir / f"{scale}.db"

    def seed(self, url):
        """Migrates and seeds `url` with the binary; returns the seconds it took."""
        start = time.monotonic()
        result = subprocess.run(
            [self.binary, "seed"], env=dict(os.environ, DATABASE_URL=url), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise Failure(f"seeding failed: {result.stderr.strip()}")
        return time.monotonic() - start

    def add_synthetic(self, backend, url, path):
        """Adds the synthetic fusies of the large scale; returns (fusies, deelnames) added."""
        if backend == "sqlite":
            db = sqlite3.connect(path)
            codes = [row[0] for row in db.execute(synthetic.eligible_codes_sql())]
            rows = synthetic.members(codes, 2000, 5)
            db.executescript("BEGIN;\n" + synthetic.insert_sql(rows, "sqlite") + "COMMIT;\n")
            db.close()
        else:
            codes = psql(url, "-At", "-c", synthetic.eligible_codes_sql(), capture=True).split()
            rows = synthetic.members(codes, 2000, 5)
            psql(url, "-1", sql=synthetic.insert_sql(rows, "postgres"))
            psql(url, "-c", "ANALYZE")
        return len(rows), sum(len(leden) for _, _, leden in rows)

    def drop(self):
        for name in self.pg_names:
            try:
                psql(self.admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except Failure as err:
                log(f"could not drop {name}: {err}")


# --- the server under test ------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, body=None, timeout=120):
    data = None if body is None else body.encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return raw, json.loads(raw) if body is not None else None


class Process:
    """A server process on 127.0.0.1 with the readings the table needs."""

    def __init__(self, label, cmd, env, workdir, ready_path, cwd=None):
        self.label = label
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{label}.log"
        log_file = open(self.log_path, "w")
        env = dict(os.environ, **{k: v.replace("{port}", str(self.port)) for k, v in env.items()})
        cmd = [part.replace("{port}", str(self.port)) for part in cmd]
        start = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=cwd)
        self.startup = self._wait_ready(ready_path, start)

    def _wait_ready(self, path, start):
        deadline = start + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failure(f"{self.label} exited at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):
                    return time.monotonic() - start
            except urllib.error.HTTPError as err:
                if err.code < 500:  # answering, if not to a bare GET (PostGraphile)
                    return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.01)
        raise Failure(f"{self.label} not ready after 60 s; see {self.log_path}")

    def alive(self):
        if self.proc.poll() is not None:
            raise Failure(f"{self.label} died (exit {self.proc.returncode}); see {self.log_path}")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def reset_peak_rss(self):
        # "5" resets the peak resident set size (VmHWM) of the process to its current size.
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            pass

    def rss_mib(self, field):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# Connections per fusieregister pool on PostgreSQL. A run can have four servers up at once (two
# scales, each with a baseline), PostGraphile's pool, and pgbench's 64 clients for the floor; at
# the server's default of 20 they passed PostgreSQL's default max_connections of 100. Eight is
# still twice the execution slots a server has on this two-core machine.
PG_POOL_PER_SERVER = 8


def start_fusieregister(binary, label, url, workdir, extra_env=()):
    env = {"DATABASE_URL": url, "FUSIEREGISTER_LISTEN": "127.0.0.1:{port}"}
    if url.startswith("postgres"):
        env["FUSIEREGISTER_DATABASE_MAX_CONNECTIONS"] = str(PG_POOL_PER_SERVER)
    env.update(item.split("=", 1) for item in extra_env)
    return Process(label, [binary, "serve"], env, workdir, "/readyz")


# --- queries and their floors ---------------------------------------------------------------


def graphql_body(name, server):
    """The request body of benchmark `name` for `server` (cursors are asked of the server)."""
    query = (QUERIES / f"{name}.graphql").read_text()
    variables = {}
    if name == "herindelingen":
        variables = page_cursors(server)
    return json.dumps({"query": query, "variables": variables})


def page_cursors(server):
    """The `after` cursors of pages 2..7 of `gemeenten(first: 100)`, as the server hands them out."""
    walk = "query($after: String) { gemeenten(first: 100, after: $after) { pageInfo { endCursor hasNextPage } } }"
    cursors, after = {}, None
    for page in range(2, 8):
        _, answer = http_json(server.url + "/graphql", json.dumps({"query": walk, "variables": {"after": after}}))
        info = answer["data"]["gemeenten"]["pageInfo"]
        after = info["endCursor"]
        cursors[f"a{page}"] = after
    return cursors


def floor_answer(backend, name, url, path):
    """The floor's JSON answer of `name`, parsed."""
    sql = (QUERIES / f"{name}.{backend}.sql").read_text()
    if backend == "postgres":
        text = psql(url, "-At", "-f", str(QUERIES / f"{name}.postgres.sql"), capture=True)
    else:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        text = db.execute(sql).fetchone()[0]
        db.close()
    return json.loads(text)


def first_difference(a, b, path="data"):
    """Where two JSON values first differ, or None when they are equal (numbers by value)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{path}: keys {sorted(set(a) ^ set(b))} on one side only"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if a != b or isinstance(a, bool) != isinstance(b, bool):
        return f"{path}: {json.dumps(a)[:80]} against {json.dumps(b)[:80]}"
    return None


def check_answer(server, name, body, expected, workdir):
    """Asks the server once, and fails unless its `data` equals the floor's answer."""
    raw, answer = http_json(server.url + "/graphql", body)
    if answer.get("errors"):
        raise Failure(f"{server.label} {name}: errors {json.dumps(answer['errors'])[:400]}")
    difference = first_difference(answer.get("data"), expected)
    if difference:
        (workdir / f"{server.label}-{name}.server.json").write_text(json.dumps(answer.get("data"), indent=1))
        (workdir / f"{server.label}-{name}.floor.json").write_text(json.dumps(expected, indent=1))
        raise Failure(f"{server.label} {name}: the answer differs from the floor's at {difference}")
    return len(raw)


# --- load -----------------------------------------------------------------------------------


def run_wrk(server, body, concurrency, seconds, workdir):
    script = workdir / "wrk.lua"
    script.write_text(WRK_SCRIPT % body)
    server.alive()
    server.reset_peak_rss()
    cpu_before = server.cpu_seconds()
    cmd = ["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{seconds}s",
           "--timeout", "120s", "-s", str(script), server.url + "/graphql"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180)
    cpu = server.cpu_seconds() - cpu_before
    peak = server.rss_mib("VmHWM")
    server.alive()
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise Failure(f"wrk gave no summary: {result.stdout[-400:]} {result.stderr[-400:]}")
    requests, duration_us, errors, non2xx, p50, p99 = (int(float(x)) for x in line.split()[1:])
    if errors or non2xx:
        raise Failure(f"{server.label}: {errors} socket errors and {non2xx} non-2xx answers under load")
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "requests": requests,
        "rss": peak,
        "cpu": cpu / requests * 1000 if requests else float("nan"),
    }


def run_pgbench(url, name, concurrency, seconds, workdir):
    logs = Path(tempfile.mkdtemp(dir=workdir, prefix="pgbench-"))
    cmd = ["pgbench", "-n", "-M", "prepared", "-f", str(QUERIES / f"{name}.postgres.sql"),
           "-c", str(concurrency), "-j", str(min(concurrency, 2)), "-T", str(seconds),
           "-l", "--log-prefix", str(logs / "log"), url]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise Failure(f"pgbench failed: {result.stderr.strip()[-400:]}")
    latencies = []
    for file in logs.iterdir():
        latencies.extend(int(line.split()[2]) for line in file.read_text().splitlines() if line.strip())
    shutil.rmtree(logs)
    tps = float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))
    return summarise(latencies, tps, us=True)


def _sqlite_client(path, sql, start, stop, out):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute(sql).fetchone()  # prepare and warm the page cache before the clock starts
    latencies = []
    while time.monotonic() < start:
        time.sleep(0.001)
    while time.monotonic() < stop:
        begin = time.perf_counter_ns()
        db.execute(sql).fetchone()
        latencies.append((time.perf_counter_ns() - begin) // 1000)
    out.send(latencies)
    out.close()


def run_sqlite_floor(path, name, concurrency, seconds):
    """`concurrency` processes, each with its own connection, run the statement in a loop."""
    sql = (QUERIES / f"{name}.sqlite.sql").read_text()
    context = multiprocessing.get_context("fork")
    start = time.monotonic() + 0.5 + 0.01 * concurrency
    clients = []
    for _ in range(concurrency):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_sqlite_client, args=(path, sql, start, start + seconds, sender))
        process.start()
        clients.append((process, receiver))
    latencies = []
    for process, receiver in clients:
        latencies.extend(receiver.recv())
        process.join()
    return summarise(latencies, len(latencies) / seconds, us=True)


def summarise(latencies, rps, us):
    latencies.sort()
    if not latencies:
        return {"rps": rps, "p50": float("nan"), "p99": float("nan"), "requests": 0}
    scale = 1000 if us else 1
    pick = lambda q: latencies[min(len(latencies) - 1, math.ceil(q * len(latencies)) - 1)] / scale  # noqa: E731
    return {"rps": rps, "p50": pick(0.50), "p99": pick(0.99), "requests": len(latencies)}


# --- the report -----------------------------------------------------------------------------


def median(values):
    values = [v for v in values if v == v]  # NaN out
    return statistics.median(values) if values else float("nan")


def fmt(value, digits=0):
    if value != value:
        return "–"
    if digits == 2 and 0 < abs(value) < 0.1:
        return f"{value:.3f}"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def report(results, sizes, setup, args, peer_enabled):  # noqa: C901
    rounds = args.rounds
    out = []
    out.append(f"Run of {time.strftime('%Y-%m-%d %H:%M')}, `{' '.join(sys.argv[1:]) or '(defaults)'}`: "
               f"{args.duration} s per measurement ({3 * args.duration} s at the large scale), "
               f"{rounds} interleaved round(s), medians; load average before: {setup['load']}. "
               "Every answer was checked equal to the floor's before timing.")
    out.append("")
    for backend, title, floor_title in [
        ("postgres", "fusieregister on PostgreSQL", "pgbench"),
        ("sqlite", "fusieregister on SQLite", "sqlite3 loop"),
    ]:
        if backend not in args.backends:
            continue
        with_peer = peer_enabled and backend == "postgres"
        out.append(f"### {title}, against the SQL floor ({floor_title})" + (" and PostGraphile" if with_peer else "")
                   + (" and the baseline binary" if args.baseline else ""))
        out.append("")
        header = ("| query (answer) | c | req/s | p50 ms | p99 ms | floor req/s | floor p50 ms | of floor "
                  "| peak RSS MiB | CPU ms/req |")
        rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        if args.baseline:
            header += " baseline req/s | p50 ms | CPU ms/req | peak RSS MiB | × baseline |"
            rule += "---:|---:|---:|---:|---:|"
        if with_peer:
            header += " PostGraphile req/s | p50 ms | × PostGraphile |"
            rule += "---:|---:|---:|"
        out.append(header)
        out.append(rule)
        for scale, name, label in measured_queries(args):
            for c in args.concurrency:
                server = results.get((scale, name, c, backend), [])
                floor = results.get((scale, name, c, f"floor-{backend}"), [])
                if not server:
                    continue
                rps = median([r["rps"] for r in server])
                floor_rps = median([r["rps"] for r in floor]) if floor else float("nan")
                size = sizes.get((scale, name, backend), 0)
                shown = f"{label}{' (large, synthetic)' if scale == 'large' else ''} ({size / 1000:.1f} kB)"
                row = (f"| {shown} | {c} | {fmt(rps)} | {fmt(median([r['p50'] for r in server]), 2)} "
                       f"| {fmt(median([r['p99'] for r in server]), 2)} | {fmt(floor_rps)} "
                       f"| {fmt(median([r['p50'] for r in floor]) if floor else float('nan'), 2)} "
                       f"| {fmt(rps / floor_rps if floor_rps == floor_rps and floor_rps else float('nan'), 2)} "
                       f"| {fmt(max(r['rss'] for r in server))} | {fmt(median([r['cpu'] for r in server]), 2)} |")
                if args.baseline:
                    base = results.get((scale, name, c, f"baseline-{backend}"), [])
                    base_rps = median([r["rps"] for r in base]) if base else float("nan")
                    row += (f" {fmt(base_rps)} | {fmt(median([r['p50'] for r in base]), 2)} "
                            f"| {fmt(median([r['cpu'] for r in base]), 2)} | {fmt(max(r['rss'] for r in base))} "
                            f"| {fmt(rps / base_rps if base_rps == base_rps and base_rps else float('nan'), 2)} |")
                if with_peer:
                    peer = results.get((scale, name, c, "peer"), [])
                    peer_rps = median([r["rps"] for r in peer]) if peer else float("nan")
                    row += (f" {fmt(peer_rps)} | {fmt(median([r['p50'] for r in peer]) if peer else float('nan'), 2)} "
                            f"| {fmt(rps / peer_rps if peer_rps == peer_rps and peer_rps else float('nan'), 2)} |")
                out.append(row)
        out.append("")
    out.append("| setup | " + " | ".join(setup["columns"]) + " |")
    out.append("|---|" + "---:|" * len(setup["columns"]))
    for label, values in setup["rows"]:
        out.append(f"| {label} | " + " | ".join(values) + " |")
    out.append("")
    return "\n".join(out)


def measured_queries(args):
    if "real" in args.scales:
        for name, label in BENCHMARKS:
            if name in args.queries:
                yield "real", name, label
    if "large" in args.scales:
        for name, label in BENCHMARKS:
            if name in LARGE and name in args.queries:
                yield "large", name, label


# --- main -----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="one short run per query at c=4, answers checked: for CI")
    parser.add_argument("--peer", action="store_true", help="also run PostGraphile (npm) on the same tables")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the table shows medians")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement (3x at the large scale)")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated client counts")
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--scales", default="real,large")
    parser.add_argument("--queries", default=",".join(name for name, _ in BENCHMARKS))
    parser.add_argument("--pg-admin-url", default=os.environ.get(
        "PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--binary", default=str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
                                                / "release" / "fusieregister"))
    parser.add_argument("--baseline", help="another fusieregister binary to measure beside --binary, interleaved "
                        "(before/after a change, in the same run)")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment of the server under test (not of the baseline), e.g. MALLOC_ARENA_MAX=2")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.concurrency, args.rounds = 2, "4", 1
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.backends = args.backends.split(",")
    args.scales = args.scales.split(",")
    args.queries = args.queries.split(",")
    return args


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fusieregister-bench-"))
    databases = Databases(args, workdir)
    processes = []
    status = 0
    try:
        status = run(args, workdir, databases, processes)
    except Failure as err:
        log(f"FAILED: {err}")
        status = 1
    finally:
        for process in processes:
            process.stop()
        databases.drop()
        if args.keep or status:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(status)


def run(args, workdir, databases, processes):
    load = open("/proc/loadavg").read().split()[:3]
    setup = {"load": " ".join(load), "columns": [], "rows": []}
    seed_row, start_row, idle_row = [], [], []
    servers, floors = {}, {}
    peer_server = None
    for backend in args.backends:
        for scale in args.scales:
            if backend == "postgres":
                url = databases.create_pg(scale)
                path = None
            else:
                url, path = databases.sqlite_url(scale), databases.sqlite_path(scale)
            seconds = databases.seed(url)
            extra = ""
            if scale == "large":
                fusies, deelnames = databases.add_synthetic(backend, url, path)
                extra = f" +{fusies} fusies, {deelnames} deelnames (synthetic)"
            log(f"{backend}/{scale}: seeded in {seconds:.2f} s{extra}")
            server = start_fusieregister(args.binary, f"{backend}-{scale}", url, workdir, args.server_env)
            processes.append(server)
            log(f"{backend}/{scale}: ready {server.startup * 1000:.0f} ms after start")
            servers[(backend, scale)] = server
            if args.baseline:
                base = start_fusieregister(args.baseline, f"baseline-{backend}-{scale}", url, workdir)
                processes.append(base)
                servers[(f"baseline-{backend}", scale)] = base
            floors[(backend, scale)] = (url, path)
            setup["columns"].append(f"{backend}, {scale}")
            seed_row.append(f"{seconds:.2f} s")
            start_row.append(f"{server.startup * 1000:.0f} ms")
            if backend == "postgres" and scale == "real" and args.peer:
                peer_server = peer_mod.start(url, workdir)
                processes.append(peer_server)
                log(f"PostGraphile: ready {peer_server.startup * 1000:.0f} ms after start")

    # Answers first: every server answer equals its floor's before anything is timed.
    bodies, sizes, peer_bodies = {}, {}, {}
    for scale, name, _ in measured_queries(args):
        for backend in args.backends:
            server = servers[(backend, scale)]
            url, path = floors[(backend, scale)]
            body = graphql_body(name, server)
            expected = floor_answer(backend, name, url, path)
            sizes[(scale, name, backend)] = check_answer(server, name, body, expected, workdir)
            bodies[(scale, name, backend)] = body
            if args.baseline:
                base = servers[(f"baseline-{backend}", scale)]
                bodies[(scale, name, f"baseline-{backend}")] = graphql_body(name, base)
                check_answer(base, name, bodies[(scale, name, f"baseline-{backend}")], expected, workdir)
            log(f"{backend}/{scale} {name}: answer equals the floor's ({sizes[(scale, name, backend)]} bytes)")
            if peer_server and backend == "postgres" and scale == "real":
                peer_bodies[name] = peer_mod.check(peer_server, name, expected)

    results = {}
    for round_no in range(args.rounds):
        for scale, name, _ in measured_queries(args):
            seconds = args.duration * (3 if scale == "large" else 1)
            for c in args.concurrency:
                for backend in args.backends:
                    url, path = floors[(backend, scale)]
                    # The baseline goes first in every other round, so that drift hits both alike.
                    labels = [backend, f"baseline-{backend}"] if args.baseline else [backend]
                    for label in labels if round_no % 2 == 0 else reversed(labels):
                        measured = run_wrk(servers[(label, scale)], bodies[(scale, name, label)], c, seconds, workdir)
                        results.setdefault((scale, name, c, label), []).append(measured)
                        if label != backend:
                            log(f"round {round_no + 1} baseline {backend}/{scale} {name} c={c}: "
                                f"{measured['rps']:.0f} req/s, {measured['cpu']:.2f} ms CPU/req")
                    measured = results[(scale, name, c, backend)][-1]
                    if backend == "postgres":
                        floor = run_pgbench(url, name, c, seconds, workdir)
                    else:
                        floor = run_sqlite_floor(path, name, c, seconds)
                    results.setdefault((scale, name, c, f"floor-{backend}"), []).append(floor)
                    log(f"round {round_no + 1} {backend}/{scale} {name} c={c}: {measured['rps']:.0f} req/s "
                        f"(floor {floor['rps']:.0f}), p50 {measured['p50']:.2f} ms, p99 {measured['p99']:.2f} ms, "
                        f"peak {measured['rss']:.0f} MiB, {measured['cpu']:.2f} ms CPU/req")
                    if peer_server and backend == "postgres" and scale == "real" and name in peer_bodies:
                        peer_result = run_wrk(peer_server, peer_bodies[name], c, seconds, workdir)
                        results.setdefault((scale, name, c, "peer"), []).append(peer_result)
                        log(f"round {round_no + 1} PostGraphile {name} c={c}: {peer_result['rps']:.0f} req/s")

    time.sleep(2)
    for backend in args.backends:
        for scale in args.scales:
            idle_row.append(f"{servers[(backend, scale)].rss_mib('VmRSS'):.0f} MiB")
    setup["rows"] = [
        ("seeding the bundled dataset with the binary (`fusieregister seed`)", seed_row),
        ("cold start on the seeded database, until `/readyz` answers", start_row),
        ("server RSS 2 s after the last load", idle_row),
    ]
    table = report(results, sizes, setup, args, peer_server is not None)
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n")
    return 0


if __name__ == "__main__":
    main()
