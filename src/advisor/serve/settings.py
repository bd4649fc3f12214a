"""The server's settings, from the environment (`ADVISOR_*`) or `advisor serve`'s flags, in one place.

Every field of `Settings` is a variable `ADVISOR_<NAME>` and a flag `--<name>` of `advisor serve` (made
from the field by cli.serve_parameters; a flag wins over the variable). `Settings()` reads them all at once and refuses a bad value with every problem named, and
`settings_error` turns that into one line for the log or the terminal (no traceback):

    invalid setting ADVISOR_ADVICE_CACHE='abc': expected a whole number

An empty variable counts as not set (its default holds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Optional
from urllib.parse import urlsplit

from pydantic import DirectoryPath, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..engine.defaults import ADVICE_CACHE, ADVICE_CACHE_MB, RELOAD_QUIET

PREFIX = "ADVISOR_"
BATCH_CONCURRENCY = 2      # batches worked on at once per process
BATCH_WAIT = 1.0           # seconds a further batch waits for a free slot before a 503
HEADER_TIMEOUT = 10.0      # seconds from connect (or the last response) to complete request headers
BODY_TIMEOUT = 30.0        # seconds from the headers to the end of the body (1 MiB at ~35 KiB/s)
MAX_IDLE = 32              # idle connections per worker before the oldest are closed
MAX_HEADER_BYTES = 16 * 1024   # request line and headers (h11's max incomplete event; as nginx.conf)


def check_base_url(base_url: str) -> str:
    """The configured public address ('https://keuzehulp.example.nl'), without a trailing slash; '' if none."""
    base_url = (base_url or "").strip().rstrip("/")
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or re.search(r"[\s<>\"'`\\]", base_url):
        raise ValueError(f"ADVISOR_BASE_URL must be an http(s) address such as https://keuzehulp.example.nl, "
                         f"not {base_url!r}")
    return base_url


class Settings(BaseSettings):
    """What `advisor serve` (and `uvicorn --factory advisor.serve.app:app_from_env`) reads from the environment."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    kb: Optional[DirectoryPath] = Field(default=None, description="folder holding knowledge/ and rules/ (default: the "
                                                                  "shipped KB)")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated origins allowed to call the API from a browser")
    watch: bool = Field(default=False, description="reload the KB when a file changes")
    reload_quiet: float = Field(default=RELOAD_QUIET, ge=0, description="seconds without changes before a reload")
    advice_cache: int = Field(default=ADVICE_CACHE, ge=0, description="advices kept at most; 0: off")
    advice_cache_mb: float = Field(default=ADVICE_CACHE_MB, ge=0,
                                   description="MiB of memory for repeated advices per worker; 0: off")
    base_url: str = Field(default="", description="public address for permalinks; default: relative links")
    contact: str = Field(default="", description="e-mail address or URL for feedback, on /toegankelijkheid")
    batch_concurrency: int = Field(default=BATCH_CONCURRENCY, ge=1, description="batches at once per process")
    batch_wait: float = Field(default=BATCH_WAIT, ge=0, description="seconds a batch waits for a slot before a 503")
    # -- how uvicorn serves (advisor serve passes these to uvicorn.run)
    host: str = Field(default="127.0.0.1", min_length=1, description="interface to listen on")
    port: int = Field(default=8000, ge=0, le=65535, description="TCP port")
    workers: int = Field(default=1, ge=1, description="worker processes")
    limit_concurrency: int = Field(default=100, ge=1, description="open connections per worker before new ones get 503")
    timeout_keep_alive: int = Field(default=5, ge=1, description="seconds an idle connection stays open")
    backlog: int = Field(default=256, ge=16, description="connections waiting to be accepted")
    forwarded_allow_ips: Optional[str] = Field(
        default=None, description="trust X-Forwarded-* from these proxy IPs (comma list), behind a reverse proxy")
    # advisor serve's protocol (serving.GuardedH11Protocol): what idle and slow clients may hold
    header_timeout: float = Field(default=HEADER_TIMEOUT, gt=0, description="seconds to send request line and headers")
    body_timeout: float = Field(default=BODY_TIMEOUT, gt=0, description="seconds to send a request body")
    max_idle: int = Field(default=MAX_IDLE, ge=1, description="idle connections per worker; the oldest are closed")
    max_header_bytes: int = Field(default=MAX_HEADER_BYTES, ge=1024, description="request line and headers, bytes")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @field_validator("base_url")
    @classmethod
    def _public_address(cls, value: str) -> str:
        return check_base_url(value)


MESSAGES = {"int_parsing": "expected a whole number", "float_parsing": "expected a number",
            "bool_parsing": "expected 1 or 0 (true/false, yes/no, on/off)",
            "greater_than_equal": "must be at least {ge}", "less_than_equal": "must be at most {le}",
            "path_not_directory": "expected an existing folder", "string_too_short": "must not be empty",
            "greater_than": "must be more than {gt}"}


def settings_error(err: ValidationError, flags: Iterable[str] = ()) -> str:
    """Every problem of a ValidationError of Settings, on one line; a setting named in `flags` came from
    `advisor serve --<name>`, the others from ADVISOR_<NAME>."""
    parts = []
    for error in err.errors(include_url=False):
        field = "_".join(str(part) for part in error["loc"][:1])
        name = "--" + field.replace("_", "-") if field in flags else PREFIX + field.upper()
        message = MESSAGES.get(error["type"], error["msg"]).format(**error.get("ctx", {}))
        message = message.removeprefix("Value error, ")
        value = error.get("input")
        parts.append(f"{name}={str(value) if isinstance(value, Path) else value!r}: {message}")
    return "invalid setting " + "; ".join(parts)


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and `overrides`); raise SettingsError with one line if any is bad."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise SettingsError(settings_error(err, overrides)) from None


def as_environment(name: str, value: Any) -> str:
    """A setting's value as its ADVISOR_* variable reads it back (so worker processes see a flag's value)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    if isinstance(value, Path):
        return str(value.resolve())
    return str(value)


class SettingsError(ValueError):
    """A bad `ADVISOR_*` value; its message is one line naming each variable, its value and what is wrong."""
