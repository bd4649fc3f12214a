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
- h11's own limit on an incomplete request line plus headers (`max_header_bytes`; 400 above it).

The limits come from the settings (`ADVISOR_HEADER_TIMEOUT` …, settings.Settings), read once per
worker process: uvicorn imports this class by name in each worker, so nothing needs pickling.

    uvicorn --factory advisor.app:app_from_env --http advisor.serving:GuardedH11Protocol
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Optional

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

PROTOCOL = "advisor.serving:GuardedH11Protocol"   # what `advisor serve` hands uvicorn as `http`


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


class GuardedH11Protocol(H11Protocol):
    """uvicorn's H11Protocol with a header timeout, a body timeout and a cap on idle connections."""

    limits: Optional[Limits] = None   # a subclass (tests) may fix them; otherwise limits()

    def __init__(self, config: Any, server_state: Any, app_state: Any, _loop: Any = None) -> None:
        own = self.limits or limits()
        if config.h11_max_incomplete_event_size is None:
            config.h11_max_incomplete_event_size = own.max_header_bytes
        super().__init__(config, server_state, app_state, _loop)
        self.own = own
        self.idle_since: Optional[float] = None
        self._deadline: Optional[asyncio.TimerHandle] = None

    # -- timers

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        self.close_now()

    def close_now(self) -> None:
        """Drop the connection without an answer: a client too slow or idle too long reads nothing."""
        self.idle_since = None
        if not self.transport.is_closing():
            self.transport.close()

    # -- uvicorn's hooks

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._close_oldest_idle()
        super().connection_made(transport)
        self.idle_since = time.monotonic()
        self._arm(self.own.header_timeout)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._disarm()
        self.idle_since = None
        super().connection_lost(exc)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not before:   # headers complete: a request is in flight
            self.idle_since = None
            self._arm(self.own.body_timeout)
        if cycle is not None and not cycle.more_body and self._deadline is not None and self.idle_since is None:
            self._disarm()   # the whole body is in: the app's time is not the client's

    def on_response_complete(self) -> None:
        finished = self.cycle
        super().on_response_complete()
        if self.cycle is finished and not self.transport.is_closing() and self.conn.our_state is not h11.MUST_CLOSE:
            self.idle_since = time.monotonic()
            # the keep-alive timer closes a quiet connection; this one a connection that starts the
            # next request but never finishes its headers (data cancels uvicorn's keep-alive timer)
            self._arm(max(self.own.header_timeout, self.timeout_keep_alive))

    # -- the idle cap

    def _close_oldest_idle(self) -> None:
        idle = [c for c in self.connections if isinstance(c, GuardedH11Protocol) and c.idle_since is not None]
        extra = len(idle) - self.own.max_idle + 1
        if extra > 0:
            for connection in sorted(idle, key=lambda c: c.idle_since or 0.0)[:extra]:
                connection.close_now()
