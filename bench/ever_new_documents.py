"""A hostile client's load: every request is a document never sent before (its aliases renamed),
answering close to the response cap, so the server cannot have learned its weight.

Usage, against a running server on the bundled data:
    python3 bench/ever_new_documents.py PORT SERVER_PID CLIENTS SECONDS ALIASES
(36 aliases answer about 970 kB). Prints the requests answered, their statuses, the server's
RSS before, its peak while sampled every 50 ms, and its RSS 2 s after the load, as JSON.
"""
import http.client
import json
import random
import sys
import threading
import time

PAGE = "edges { cursor node { id code naam tooiUri begindatum einddatum provincie { id code naam } } }"


def document(aliases):
    tag = random.getrandbits(48)
    return "{ " + " ".join(f"x{tag}_{i}: gemeenten(first: 100) {{ {PAGE} }}" for i in range(aliases)) + " }"


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def main():
    port, pid, clients, seconds, aliases = (int(arg) for arg in sys.argv[1:6])
    stop = time.time() + seconds
    statuses, sizes, lock = {}, [], threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.time() < stop:
            body = json.dumps({"query": document(aliases)})
            conn.request("POST", "/graphql", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            size = len(response.read())
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                sizes.append(size)

    before = rss_mib(pid)
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    peak = before
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, rss_mib(pid))
        time.sleep(0.05)
    time.sleep(2)
    print(json.dumps({
        "requests": len(sizes), "statuses": statuses, "largest_answer_bytes": max(sizes, default=0),
        "rss_before_mib": before, "peak_rss_mib": peak, "rss_2s_after_mib": rss_mib(pid),
    }))


if __name__ == "__main__":
    main()
