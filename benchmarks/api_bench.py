"""API benchmark: POST /api/v1/advice against the no-op GET /api/v1/ping, on one uvicorn worker.

    python benchmarks/api_bench.py [--seconds 5] [--connections 16] [--situations 2000]

Starts `uvicorn --factory advisor.serve.app:app_from_env` (1 worker, 127.0.0.1, a free port) in a
subprocess, then drives it from this process with a keep-alive HTTP/1.1 load generator on raw
asyncio sockets (loopback only, bounded in time and count). The no-op endpoint goes first, then the
advice endpoint with varied situations (the engine benchmark's generator, fixed seed), each after a
warm-up. Prints requests/s, p50 and p99 for both and the ratio advice/no-op. Targets (issue 21): cold,
ratio >= 0.2 for the full view and >= 0.4 for the compact one; warm, >= 0.6.

Two servers run one after the other: "cold" with the advice cache off (ADVISOR_ADVICE_CACHE=0, so every
request runs the rules engine), and "warm" with the default cache and a pool of 200 situations that
repeat, as permalinks and re-rendered forms do. Both ratios are printed; they answer different questions.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import situations

from advisor.engine.advising import DEFAULT_CACHE_SIZE
from advisor.serve.serving import PROTOCOL

HOST = "127.0.0.1"
MAX_REQUESTS = 1_000_000  # per phase, on top of the time bound


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: keep-alive\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def load(port: int, requests: list[bytes], seconds: float, connections: int) -> tuple[list[float], float, int]:
    """Send `requests` round-robin over keep-alive connections for `seconds`; latencies in ms."""
    counter = itertools.count()
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        clock = time.perf_counter
        while clock() < stop:
            n = next(counter)
            if n >= MAX_REQUESTS:
                break
            t0 = clock()
            writer.write(requests[n % len(requests)])
            status = await read_response(reader)
            latencies.append((clock() - t0) * 1000)
            errors += status != 200
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, time.perf_counter() - start, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to show the server was saturated."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def measure(name: str, port: int, pid: int, requests: list[bytes], args) -> float:
    server0, client0 = cpu_seconds(pid), time.process_time()
    latencies, elapsed, errors = await load(port, requests, args.seconds, args.connections)
    server = (cpu_seconds(pid) - server0) / elapsed
    client = (time.process_time() - client0) / elapsed
    q = statistics.quantiles(latencies, n=100)
    rps = len(latencies) / elapsed
    print(f"{name:<28} {len(latencies):>7} req  {rps:>7.0f} req/s  p50 {q[49]:6.2f} ms  p99 {q[98]:6.2f} ms"
          f"  non-200: {errors}  CPU server {server:4.0%} load generator {client:4.0%}")
    return rps


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(request("GET", "/api/v1/ping"))
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("uvicorn did not come up")


async def run(port: int, pid: int, args, label: str, pool: int, target: float) -> None:
    ping = [request("GET", "/api/v1/ping")]
    warm = min(1.0, args.seconds / 2)
    await load(port, ping, warm, args.connections)
    noop = await measure("GET  /api/v1/ping (no-op)", port, pid, ping, args)
    views = (("full", "", target),) + ((("compact", "/compact", 0.4),) if label.startswith("cold") else ())
    for view, query, goal in views:
        advice = [request("POST", "/api/v1/advice" + query, json.dumps(s).encode()) for s in situations(pool)]
        await load(port, advice, warm, args.connections)
        varied = await measure(f"POST /api/v1/advice{query} ({label})", port, pid, advice, args)
        ratio = varied / noop
        print(f"ratio advice/no-op, {label}, {view}: {ratio:.2f} (target >= {goal}: "
              f"{'met' if ratio >= goal else 'MISSED'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per endpoint")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--situations", type=int, default=2000, help="distinct situations, fixed seed")
    parser.add_argument("--http", default=PROTOCOL, help="uvicorn's HTTP protocol: what `advisor serve` runs "
                                                         "(default), or h11 / httptools to compare")
    args = parser.parse_args()
    for label, cache, pool, target in (("cold, no cache", "0", args.situations, 0.2),
                                       ("warm, 200 repeating", str(DEFAULT_CACHE_SIZE), 200, 0.6)):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "advisor.serve.app:app_from_env", "--host", HOST,
             "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning", "--http", args.http],
            env={**os.environ, "ADVISOR_WATCH": "0", "ADVISOR_ADVICE_CACHE": cache})
        try:
            wait_until_up(port, server)
            print(f"\nuvicorn 1 worker ({args.http}) on {HOST}:{port}, advice cache {cache}; {args.connections} connections, "
                  f"{args.seconds:g} s per endpoint")
            try:
                import uvloop
                uvloop.run(run(port, server.pid, args, label, pool, target))
            except ImportError:
                asyncio.run(run(port, server.pid, args, label, pool, target))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
