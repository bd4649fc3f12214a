"""The HTTP protocol `advisor serve` runs: uvicorn's h11 protocol plus the limits uvicorn lacks.

uvicorn closes a keep-alive connection that stays quiet after a response (`timeout_keep_alive`), but
not one that never sends a request, sends its headers a byte at a time, or announces a body and
stalls; and every open connection counts toward `limit_concurrency`, so a hundred idle sockets make
every new request (`/api/v1/ping` too) a 503. This protocol adds, per worker:

- a header timeout: the request line and headers must be complete within `header_timeout` seconds
  of the connection opening (or of the previous response), else the connection is closed;
- a body timeout: a request's body must be complete within `body_timeout` seconds of its headers,
  else the connection is closed (the app sees a disconnect, logged as such, never a 500);
- a cap on idle connections: a connection with no request in flight (just opened, between
  keep-alive requests, or still dribbling its headers) is idle; when a new one arrives and
  `max_idle` are already idle, the ones idle longest are closed, so idle sockets can never use up
  `limit_concurrency`;
- a limit on an unfinished request line plus headers (`max_header_bytes`; 400 above it): h11's own
  (`h11_max_incomplete_event_size`), or counted here for httptools, which has no setting for it.

Both of uvicorn's parsers are covered: GuardedHttpToolsProtocol (the default, as uvicorn's `auto`
picks httptools when installed: about twice h11's requests/s on the no-op endpoint) and
GuardedH11Protocol.

The limits come from the settings (`ADVISOR_HEADER_TIMEOUT` …, settings.Settings), read once per
worker process: uvicorn imports this class by name in each worker, so nothing needs pickling.

    uvicorn --factory advisor.serve.app:app_from_env --http advisor.serve.serving:GuardedHttpToolsProtocol
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Optional

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

try:   # uvicorn[standard] brings httptools, uvicorn's faster parser (about twice the requests/s of h11)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    PROTOCOL = "advisor.serve.serving:GuardedHttpToolsProtocol"   # what `advisor serve` hands uvicorn as `http`
except ImportError:  # pragma: no cover - uvicorn without its extras
    HttpToolsProtocol = H11Protocol  # type: ignore[misc,assignment]
    PROTOCOL = "advisor.serve.serving:GuardedH11Protocol"


@dataclass(frozen=True)
class Limits:
    header_timeout: float     # defaults and meaning: settings.HEADER_TIMEOUT ...
    body_timeout: float
    max_idle: int
    max_header_bytes: int


_LIMITS: list[Limits] = []


def limits() -> Limits:
    """The limits of this worker, from the ADVISOR_* settings (read once)."""
    if not _LIMITS:
        from .settings import load_settings
        settings = load_settings()
        _LIMITS.append(Limits(settings.header_timeout, settings.body_timeout, settings.max_idle,
                              settings.max_header_bytes))
    return _LIMITS[0]


class _Guard:
    """The limits, on top of one of uvicorn's HTTP protocols (the class after this one in the MRO)."""

    limits: Optional[Limits] = None   # a subclass (tests) may fix them; otherwise limits()
    # set by the protocol this is mixed into
    connections: set
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    timeout_keep_alive: int

    # Both protocols open and close connections the same way: the mixin wraps them once (super() is the
    # uvicorn protocol after this class in the MRO).
    def connection_made(self, transport: Any) -> None:
        self._close_oldest_idle()
        super().connection_made(transport)  # type: ignore[misc]
        self._opened()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._closed()
        super().connection_lost(exc)  # type: ignore[misc]

    def _guard(self) -> None:
        self.own = self.limits or limits()
        self.idle_since: Optional[float] = None
        self.head_bytes = 0
        self._deadline: Optional[asyncio.TimerHandle] = None

    # -- timers

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self.close_now)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def close_now(self) -> None:
        """Drop the connection without an answer: a client too slow or idle too long reads nothing."""
        self._deadline = None
        self.idle_since = None
        if not self.transport.is_closing():
            self.transport.close()

    # -- the moments that matter

    def _opened(self) -> None:
        self.idle_since = time.monotonic()
        self._arm(self.own.header_timeout)

    def _request_started(self) -> None:   # headers complete: a request is in flight
        self.idle_since = None
        self.head_bytes = 0
        self._arm(self.own.body_timeout)

    def _body_complete(self) -> None:     # the whole body is in: the app's time is not the client's
        if self.idle_since is None:
            self._disarm()

    def _response_done(self) -> None:
        if not self.transport.is_closing():
            self.idle_since = time.monotonic()
            self.head_bytes = 0
            # the keep-alive timer closes a quiet connection; this one a connection that starts the
            # next request but never finishes its headers (data cancels uvicorn's keep-alive timer)
            self._arm(max(self.own.header_timeout, self.timeout_keep_alive))

    def _closed(self) -> None:
        self._disarm()
        self.idle_since = None

    def _close_oldest_idle(self) -> None:
        idle = [c for c in self.connections if isinstance(c, _Guard) and c.idle_since is not None]
        extra = len(idle) - self.own.max_idle + 1
        if extra > 0:
            for connection in sorted(idle, key=lambda c: c.idle_since or 0.0)[:extra]:
                connection.close_now()


class GuardedH11Protocol(_Guard, H11Protocol):
    """uvicorn's H11Protocol with a header timeout, a body timeout and a cap on idle connections; h11
    itself bounds an unfinished request head (h11_max_incomplete_event_size)."""

    def __init__(self, config: Any, server_state: Any, app_state: Any, _loop: Any = None) -> None:
        self._guard()
        if config.h11_max_incomplete_event_size is None:
            config.h11_max_incomplete_event_size = self.own.max_header_bytes
        super().__init__(config, server_state, app_state, _loop)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not before:
            self._request_started()
        if self.cycle is not None and not self.cycle.more_body:
            self._body_complete()

    def on_response_complete(self) -> None:
        finished = self.cycle
        super().on_response_complete()
        if self.cycle is finished and self.conn.our_state is not h11.MUST_CLOSE:
            self._response_done()


class GuardedHttpToolsProtocol(_Guard, HttpToolsProtocol):
    """uvicorn's HttpToolsProtocol (the faster parser) with the same limits; the request head's size is
    counted here, since httptools has no setting for it."""

    def __init__(self, config: Any, server_state: Any, app_state: Any, _loop: Any = None) -> None:
        self._guard()
        super().__init__(config, server_state, app_state, _loop)

    def data_received(self, data: bytes) -> None:
        reading_head = self.idle_since is not None
        super().data_received(data)
        if reading_head and self.idle_since is not None and not self.transport.is_closing():
            # the head is still unfinished after this data (a complete head would have ended idleness,
            # so a body arriving in the same packet never counts)
            self.head_bytes += len(data)
            if self.head_bytes > self.own.max_header_bytes:
                self.idle_since = None
                self.send_400_response("Request line and headers too large.")

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._request_started()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._body_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.pipeline:
            self._response_done()
