"""PostgreSQL ending the server's connections under load, as a restart or a fail-over does.

Usage: python3 bench/ended_connections.py BINARY [SECONDS]
It creates a fresh PostgreSQL database (127.0.0.1:5432, user postgres), seeds it with the
binary, serves it, and sends for SECONDS (default 15) lookups and nested queries from eight
clients, while once a second every connection to that database is ended
(`pg_terminate_backend`). Prints, as JSON, the answers without errors, the answers with errors by
code, the connections ended, and the server's log lines of failed requests (which say why);
then stops the server and drops the database.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PG = ["-h", "127.0.0.1", "-U", "postgres"]
DATABASE = f"fr_ended_{os.getpid()}"
LOOKUP = {"query": "query($c: String!) { gemeente(code: $c) { code naam provincie { naam } } }",
          "variables": {"c": "GM0363"}}
NESTED = {"query": "{ gemeenten(first: 20) { edges { node { code ambtelijkeFusies { naam deelnames { gemeente { naam } } } } } } }"}


def psql(sql):
    result = subprocess.run(["psql", "-qtA", *PG, "-d", "postgres", "-c", sql], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load(url, body, stop, tally, lock):
    data = json.dumps(body).encode()
    while time.monotonic() < stop:
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as err:
            answer = {"errors": [{"extensions": {"code": f"HTTP {err.code}"}}]}
        codes = [e.get("extensions", {}).get("code", "?") for e in answer.get("errors", [])]
        with lock:
            key = codes[0] if codes else "ok"
            tally[key] = tally.get(key, 0) + 1


def main():
    binary, seconds = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
    psql(f"CREATE DATABASE {DATABASE}")
    url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    port = free_port()
    server = None
    log = tempfile.TemporaryFile(mode="w+")
    try:
        subprocess.run([binary, "seed"], env=dict(os.environ, DATABASE_URL=url), capture_output=True, check=True)
        env = dict(os.environ, DATABASE_URL=url, FUSIEREGISTER_LISTEN=f"127.0.0.1:{port}",
                   FUSIEREGISTER_DATABASE_MAX_CONNECTIONS="8")
        server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        stop = time.monotonic() + seconds
        tally, lock = {}, threading.Lock()
        graphql = f"http://127.0.0.1:{port}/graphql"
        clients = [threading.Thread(target=load, args=(graphql, LOOKUP if i % 2 else NESTED, stop, tally, lock))
                   for i in range(8)]
        for client in clients:
            client.start()
        ended = 0
        while time.monotonic() < stop - 0.5:
            time.sleep(1)
            ended += int(psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              f"WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()") or 0)
        for client in clients:
            client.join()
        ok = tally.pop("ok", 0)
        log.seek(0)
        failed = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in log if "request failed" in line]
        print(json.dumps({"answers_ok": ok, "answers_with_errors": tally, "connections_ended": ended,
                          "failed_requests_logged": failed}, indent=1))
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
