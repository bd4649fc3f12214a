"""Settings from the environment (`ADVISOR_*`, settings.py): defaults, parsing, and one clear line for a bad
value, in the factory uvicorn runs and in `advisor serve`, never a traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.app import app_from_env
from advisor.cli import app as cli
from advisor.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
NAMES = [f"ADVISOR_{name.upper()}" for name in Settings.model_fields]


@pytest.fixture
def env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_and_values(env):
    assert load_settings() == Settings(kb=None, cors_origins=(), watch=False, reload_quiet=0.5, advice_cache=1024,
                                       base_url="", contact="", batch_concurrency=2, batch_wait=1.0)
    env.setenv("ADVISOR_CORS_ORIGINS", "https://a.example, https://b.example,")
    env.setenv("ADVISOR_WATCH", "1")
    env.setenv("ADVISOR_ADVICE_CACHE", "0")
    env.setenv("ADVISOR_BASE_URL", "https://keuzehulp.example.nl/")
    env.setenv("ADVISOR_BATCH_WAIT", "0.25")
    env.setenv("ADVISOR_RELOAD_QUIET", "")   # empty: not set
    settings = load_settings()
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.watch is True and settings.advice_cache == 0 and settings.batch_wait == 0.25
    assert settings.base_url == "https://keuzehulp.example.nl" and settings.reload_quiet == 0.5


def test_a_bad_value_is_one_line_naming_variable_value_and_problem(env):
    env.setenv("ADVISOR_ADVICE_CACHE", "abc")
    env.setenv("ADVISOR_BATCH_CONCURRENCY", "0")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert "\n" not in message
    assert message == ("invalid setting ADVISOR_ADVICE_CACHE='abc': expected a whole number; "
                       "ADVISOR_BATCH_CONCURRENCY='0': must be at least 1")


def test_the_factory_stops_with_one_logged_line(env, caplog):
    env.setenv("ADVISOR_ADVICE_CACHE", "abc")
    with caplog.at_level(logging.ERROR, logger="advisor"), pytest.raises(SystemExit) as info:
        app_from_env()
    assert info.value.code == 1
    assert [r.getMessage() for r in caplog.records] == [
        "cannot start: invalid setting ADVISOR_ADVICE_CACHE='abc': expected a whole number"]


def test_uvicorn_with_a_bad_setting_exits_without_a_traceback():
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    result = subprocess.run([sys.executable, "-m", "uvicorn", "--factory", "advisor.app:app_from_env",
                             "--port", "0"], env={**environ, "ADVISOR_ADVICE_CACHE": "abc"}, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot start: invalid setting ADVISOR_ADVICE_CACHE='abc': expected a whole number" in result.stderr


def test_advisor_serve_refuses_a_bad_setting_before_starting(env):
    for name in ("ADVISOR_WATCH", "ADVISOR_CORS_ORIGINS"):   # serve sets these: restored after the test
        env.setenv(name, "")
    env.setenv("ADVISOR_BATCH_WAIT", "soon")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == \
        "error: invalid setting ADVISOR_BATCH_WAIT='soon': expected a number"
    assert result.exception is None or isinstance(result.exception, SystemExit)
