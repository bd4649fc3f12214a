"""`advisor serve`'s protocol (serving.GuardedH11Protocol) survives idle and slow clients on its own:
200 idle sockets and 20 that dribble their headers or body leave /api/v1/ping answering within 1 s,
and slow or idle sockets are closed by the header and body timeouts. Loopback only, bounded."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest
from liveserver import live_server

from advisor.serve.serving import GuardedH11Protocol, GuardedHttpToolsProtocol, Limits

QUICK = Limits(header_timeout=1.5, body_timeout=1.5, max_idle=16, max_header_bytes=16 * 1024)


class QuickH11(GuardedH11Protocol):
    limits = QUICK


class QuickHttpTools(GuardedHttpToolsProtocol):
    limits = QUICK


@pytest.fixture(scope="module", params=[QuickHttpTools, QuickH11], ids=["httptools", "h11"])
def server(request, service):
    from advisor.serve.app import create_app
    with live_server(create_app(service=service), log_level="error", http=request.param, limit_concurrency=100,
                     timeout_keep_alive=5, backlog=512) as port:
        yield port


def ping(port: int, timeout: float = 1.0) -> tuple[int, float]:
    """(status, seconds) of GET /api/v1/ping on a new connection."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), time.monotonic() - start


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` (EOF or reset) within `seconds`."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_ping_answers_within_a_second_beside_200_idle_and_20_slow_sockets(server):
    idle = [socket.create_connection(("127.0.0.1", server)) for _ in range(200)]
    slow = [socket.create_connection(("127.0.0.1", server)) for _ in range(20)]
    try:
        for number, sock in enumerate(slow):
            if number % 2:   # half dribble headers, half announce a body and stall
                sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            else:
                sock.sendall(b"POST /api/v1/advice HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 1000\r\n\r\n{\"phase\":")
        time.sleep(0.2)
        answers = [ping(server) for _ in range(5)]
        assert all(status == 200 for status, _ in answers), answers
        assert max(seconds for _, seconds in answers) < 1.0, answers
    finally:
        for sock in idle + slow:
            sock.close()


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        assert closed_within(sock, 4.0)


def test_headers_sent_a_byte_at_a_time_are_cut_off(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        start = time.monotonic()
        closed = False
        for byte in b"GET /api/v1/ping HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"a" * 40:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
        assert closed or closed_within(sock, 1.0)
        assert time.monotonic() - start < 4.5


def test_a_stalled_body_is_cut_off_and_the_server_keeps_answering(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /api/v1/advice HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{")
        assert closed_within(sock, 4.0)
    assert ping(server)[0] == 200


def test_headers_growing_over_the_limit_get_400_before_they_end(server):
    # what is buffered of an unfinished request head is bounded: the server need not wait for the end
    with socket.create_connection(("127.0.0.1", server), timeout=3) as sock:
        sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20_000)
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")


def test_a_keep_alive_client_that_behaves_is_served_again(server):
    with socket.create_connection(("127.0.0.1", server), timeout=3) as sock:
        for _ in range(3):
            sock.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: t\r\n\r\n")
            data = b""
            while not data.endswith(b'{"pong":true}'):
                data += sock.recv(4096)
            assert data.startswith(b"HTTP/1.1 200")


def test_a_large_body_in_the_packets_of_its_headers_is_not_taken_for_large_headers(server):
    one = {"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen", "municipality": "Groningen"}
    body = json.dumps({"situations": [one] * 900}).encode()
    assert len(body) > 4 * QUICK.max_header_bytes
    head = (b"POST /api/v1/advice/batch?view=compact HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(head + body)
        assert sock.recv(64).startswith(b"HTTP/1.1 200")


def test_serve_runs_the_guarded_protocol_with_limits_from_flags_or_environment(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from advisor.cli.main import app
    from advisor.serve import serving
    for name in ("ADVISOR_WATCH", "ADVISOR_CORS_ORIGINS", "ADVISOR_HEADER_TIMEOUT", "ADVISOR_BODY_TIMEOUT",
                 "ADVISOR_MAX_IDLE", "ADVISOR_MAX_HEADER_BYTES"):
        monkeypatch.setenv(name, os.environ.get(name, ""))   # serve sets some: restored after the test
    monkeypatch.setenv("ADVISOR_MAX_IDLE", "7")
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(app, ["serve", "--port", "1", "--header-timeout", "3", "--max-header-bytes", "8192"])
    assert result.exit_code == 0, result.output
    assert seen["http"] == serving.PROTOCOL and seen["h11_max_incomplete_event_size"] == 8192
    monkeypatch.setattr(serving, "_LIMITS", [])
    assert serving.limits() == Limits(header_timeout=3.0, body_timeout=30.0, max_idle=7, max_header_bytes=8192)
    monkeypatch.setenv("ADVISOR_HEADER_TIMEOUT", "0")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "ADVISOR_HEADER_TIMEOUT='0': must be more than 0" in result.output
