"""Probe of issue 22: nothing stalls, nothing is lost. Repeats the outside probe's measurements and prints
the figures docs/deploying.md states.

    python benchmarks/probe_limits.py [--seconds 10] [--lines 100000] [--skip-batch]

Loopback only (127.0.0.1), every loop bounded in count and time; starts `advisor serve` (the real
defaults) in a subprocess on a free port and stops it at the end.

1. stall: validating a 1 MiB batch holding ~200,000 schema errors, in this process: the old way (pydantic
   builds every error) against validation.validate_body (bounded by what is reported); then two
   connections posting that body again and again for --seconds while a third pings: ping p50 / max and
   pings answered, against pinging alone for the same time (the baseline of the same run).
2. idle and slow sockets: 200 idle and 20 slow (dribbled headers, a stalled body) connections, then 20
   pings: status and latency; and how long the server takes to close a silent socket (header timeout)
   and a stalled body (body timeout).
3. batch: --lines situations (generated, fixed seed) with one pathological line of each kind in the
   middle, through `advisor batch --view compact --workers 2`: exit code, the final count, seconds.
4. cache: resident memory of a fresh process with one Advisor, before and after 1,500 distinct rich
   advices, with the cache off and with the default cache, and what the cache charged.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import situations

HOST = "127.0.0.1"
PATHOLOGICAL = [b"[" * 100_000 + b"]" * 100_000, b'{"contract_value_eur": ' + b"9" * 5000 + b"}",
                b'{"municipality": "\xff\xfe"}', json.dumps({f"k{i}": 1 for i in range(20_000)}).encode(),
                b'{"phase": "uitvoering"', b"[1, 2]"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def error_body() -> bytes:
    """At most 1 MiB, ~200,000 schema errors: 1,000 situations, each with three lists of 66 numbers
    (every element "moet tekst zijn") and a few unknown keys."""
    one = {"goals": [0] * 66, "themes": [0] * 66, "levels": [0] * 66, "x": 1, "y": 2}
    body = json.dumps({"situations": [one] * 1000}, separators=(",", ":")).encode()
    assert len(body) <= 1024 * 1024, len(body)
    return body


def request(port: int, raw: bytes, timeout: float = 30.0) -> tuple[int, float]:
    start = time.monotonic()
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), time.monotonic() - start


PING = b"GET /api/v1/ping HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"


def pings(port: int, seconds: float, stop: threading.Event | None = None) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(times) < 100_000:
        status, took = request(port, PING)
        if status == 200:
            times.append(took)
    return times


def describe(times: list[float]) -> str:
    if not times:
        return "no ping answered"
    return (f"{len(times)} pings answered, p50 {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.0f} ms")


# ---------------------------------------------------------------- 1. stall

def probe_stall(port: int, seconds: float) -> None:
    from pydantic import ValidationError

    from advisor.serve.problems import ApiProblem
    from advisor.serve.schemas import BatchRequest
    from advisor.serve.validation import validate_body
    body = error_body()
    start = time.perf_counter()
    try:
        BatchRequest.model_validate_json(body, strict=True)
    except ValidationError as err:
        count = err.error_count()
        err.errors(include_url=False)
    old = time.perf_counter() - start
    start = time.perf_counter()
    try:
        validate_body(BatchRequest, body, "body")
    except ApiProblem as problem:
        reported = len(problem.errors or []) + problem.more_errors
    new = time.perf_counter() - start
    print(f"1. a {len(body) / 1024:.0f} KiB batch with {count:,} schema errors: pydantic building every error "
          f"{old * 1000:.0f} ms; bounded validation {new * 1000:.0f} ms ({reported:,} problems counted, 50 "
          f"described); ratio {old / new:.0f}x")
    alone = pings(port, seconds)
    stop = threading.Event()
    posts: list[tuple[int, float]] = []

    def hammer() -> None:
        raw = (b"POST /api/v1/advice/batch HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\n"
               b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        while not stop.is_set() and len(posts) < 10_000:
            posts.append(request(port, raw))

    workers = [threading.Thread(target=hammer) for _ in range(2)]
    for worker in workers:
        worker.start()
    loaded = pings(port, seconds)
    stop.set()
    for worker in workers:
        worker.join(60)
    statuses = sorted({status for status, _ in posts})
    print(f"   ping alone for {seconds:g} s: {describe(alone)}")
    print(f"   ping beside 2 connections posting it for {seconds:g} s: {describe(loaded)}; "
          f"{len(posts)} batches answered {statuses}, p50 {statistics.median(t for _, t in posts) * 1000:.0f} ms")


# ---------------------------------------------------------------- 2. idle and slow sockets

def closed_after(sock: socket.socket, limit: float) -> float:
    start = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except (ConnectionResetError, TimeoutError):
        pass
    return time.monotonic() - start


def probe_sockets(port: int) -> None:
    idle = [socket.create_connection((HOST, port)) for _ in range(200)]
    slow = [socket.create_connection((HOST, port)) for _ in range(20)]
    for number, sock in enumerate(slow):
        sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: probe\r\nX-Slow: " if number % 2 else
                     b"POST /api/v1/advice HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{")
    time.sleep(0.5)
    answers = [request(port, PING, timeout=5) for _ in range(20)]
    statuses = {s: sum(1 for status, _ in answers if status == s) for s, _ in answers}
    times = [t for _, t in answers]
    print(f"2. beside 200 idle and 20 slow sockets: 20 pings -> {statuses}, p50 "
          f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.0f} ms")
    for sock in idle + slow:
        sock.close()
    silent = socket.create_connection((HOST, port))
    print(f"   a socket that sends nothing is closed after {closed_after(silent, 60):.1f} s")
    silent.close()
    stalled = socket.create_connection((HOST, port))
    stalled.sendall(b"POST /api/v1/advice HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n{")
    print(f"   a body announced and stalled is closed after {closed_after(stalled, 90):.1f} s")
    stalled.close()


# ---------------------------------------------------------------- 3. batch

def probe_batch(lines: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        pool = [json.dumps(s).encode() for s in situations(2000)]
        middle = lines // 2
        with source.open("wb") as out:
            for number in range(1, lines + 1):
                index = number - middle
                out.write((PATHOLOGICAL[index] if 0 <= index < len(PATHOLOGICAL) else pool[number % len(pool)]) + b"\n")
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "advisor", "batch", str(source), "-o", str(Path(folder) / "out"),
                               "--view", "compact", "--workers", "2", "--no-progress"],
                              capture_output=True, text=True, timeout=900)
        took = time.monotonic() - start
        written = sum(1 for _ in (Path(folder) / "out").open("rb"))
    print(f"3. advisor batch, {lines:,} lines with {len(PATHOLOGICAL)} pathological ones from line {middle:,}: "
          f"exit {done.returncode}, {written:,} records written, '{done.stderr.strip()}' in {took:.1f} s")


# ---------------------------------------------------------------- 4. cache

def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cache_child(cache_mb: float) -> None:
    """In a fresh process: resident memory before and after 1,500 distinct rich advices."""
    from advisor.engine.advising import Advisor
    from advisor.kb.models import Situation
    advisor = Advisor.from_root(None) if cache_mb < 0 else Advisor(Advisor.from_root(None).kb, cache_mb=cache_mb)
    rich = [Situation.model_validate(s) for s in situations(3000, seed=7) if len(s) >= 8][:1500]
    before = rss_mib()
    lengths = [len(advisor.advise_json(situation)) for situation in rich]
    print(json.dumps({"before": before, "after": rss_mib(), "kept": len(advisor.cache), "charged": advisor.cache.used,
                      "budget": advisor.cache.budget, "entries": advisor.cache.entries,
                      "json_avg": statistics.mean(lengths), "n": len(rich)}))


def probe_cache() -> None:
    measured = {}
    for label, mb in (("off", 0.0), ("default", -1.0)):
        done = subprocess.run([sys.executable, __file__, "--cache-child", str(mb)], capture_output=True, text=True,
                              timeout=600, check=True)
        measured[label] = json.loads(done.stdout.strip().splitlines()[-1])
    off, on = measured["off"], measured["default"]
    cost = (on["after"] - on["before"]) - (off["after"] - off["before"])
    print(f"4. {on['n']:,} distinct rich advices (JSON avg {on['json_avg'] / 1024:.0f} KB), a fresh process each: "
          f"cache off: resident memory +{off['after'] - off['before']:.0f} MiB; default cache "
          f"({on['budget'] / 1024 / 1024:.0f} MiB budget, at most {on['entries']} entries): +{on['after'] - on['before']:.0f} "
          f"MiB ({on['before']:.0f} -> {on['after']:.0f} MiB), {on['kept']} advices kept, charged "
          f"{on['charged'] / 1024 / 1024:.1f} MiB; the full cache's real cost {cost:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--only-cache", action="store_true")
    parser.add_argument("--cache-child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cache_child is not None:
        return cache_child(args.cache_child)
    if args.only_cache:
        return probe_cache()
    port = free_port()
    env = {**os.environ, "ADVISOR_WATCH": ""}
    server = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, PING, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("advisor serve did not start")
            time.sleep(0.2)
        probe_stall(port, args.seconds)
        probe_sockets(port)
    finally:
        server.terminate()
        server.wait(30)
    if not args.skip_batch:
        probe_batch(args.lines)
    probe_cache()


if __name__ == "__main__":
    main()
