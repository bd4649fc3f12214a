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

from advisor.cli.main import app as cli
from advisor.serve.app import app_from_env
from advisor.serve.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
NAMES = [f"ADVISOR_{name.upper()}" for name in Settings.model_fields]


@pytest.fixture
def env(monkeypatch):
    for name in NAMES:   # set, then removed: monkeypatch restores each afterwards (advisor serve writes them)
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_and_values(env):
    assert load_settings() == Settings(kb=None, cors_origins=(), watch=False, reload_quiet=0.5, advice_cache=1024,
                                       base_url="", contact="", batch_concurrency=2, batch_wait=1.0, host="127.0.0.1",
                                       port=8000, workers=1, limit_concurrency=100, timeout_keep_alive=5, backlog=256,
                                       forwarded_allow_ips=None)
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
    result = subprocess.run([sys.executable, "-m", "uvicorn", "--factory", "advisor.serve.app:app_from_env",
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


# ---------------------------------------------------------------- advisor serve: every setting, flag or variable

# Per setting: a value for the variable, a different one for the flag, and a bad value (None: every text is
# valid). Settings not listed get them from their type, so a new setting is tested as soon as it exists.
SAMPLES: dict[str, tuple[str, str, str | None]] = {
    "kb": (str(ROOT / "docs"), str(ROOT), str(ROOT / "no-such-folder")),
    "cors_origins": ("https://a.example", "https://b.example", None),
    "base_url": ("https://a.example.nl", "https://b.example.nl", "ftp://keuzehulp.example.nl"),
    "host": ("0.0.0.0", "127.0.0.2", None), "contact": ("mailto:a@example.nl", "https://example.nl/contact", None),
    "forwarded_allow_ips": ("10.0.0.1", "127.0.0.1", None),
    "max_idle": ("8", "64", "abc"),                        # 32 is its default
    "max_header_bytes": ("8192", "32768", "512"),          # at least 1024
}
BY_TYPE = {int: ("32", "64", "abc"), float: ("0.25", "0.75", "soon"), bool: ("1", "0", "maybe")}


def sample(name: str) -> tuple[str, str, str | None]:
    if name in SAMPLES:
        return SAMPLES[name]
    kind = Settings.model_fields[name].annotation
    assert kind in BY_TYPE, f"give the setting '{name}' samples in SAMPLES"
    return BY_TYPE[kind]


def flag_args(name: str, value: str) -> list[str]:
    flag = "--" + name.replace("_", "-")
    if Settings.model_fields[name].annotation is bool:
        return [flag if value == "1" else f"--no-{flag[2:]}"]
    return [flag, value]


@pytest.fixture
def served(env):
    """Runs `advisor serve` without a server: what uvicorn would get, and the settings a worker would read."""
    import uvicorn

    import advisor.cli.main as cli_module
    seen: dict = {}

    def run(*args, **kwargs):
        seen["uvicorn"] = kwargs
        seen["worker"] = load_settings()   # a worker process reads the environment

    env.setattr(uvicorn, "run", run)
    env.setattr(cli_module, "_advisor", lambda kb: seen.setdefault("kb", kb))
    return seen


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_serve_reads_each_setting_from_the_environment(served, env, name):
    value, _, _ = sample(name)
    env.setenv(f"ADVISOR_{name.upper()}", value)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert getattr(served["worker"], name) == getattr(Settings(**{name: value}), name) != \
        Settings.model_fields[name].default


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_serve_flag_wins_over_the_environment(served, env, name):
    env_value, flag_value, _ = sample(name)
    env.setenv(f"ADVISOR_{name.upper()}", env_value)
    result = CliRunner().invoke(cli, ["serve", *flag_args(name, flag_value)])
    assert result.exit_code == 0, result.output
    expected = getattr(Settings(**{name: flag_value}), name)
    assert expected != getattr(Settings(**{name: env_value}), name)
    assert getattr(served["worker"], name) == expected   # the workers see the flag too


@pytest.mark.parametrize("name", [name for name in Settings.model_fields if sample(name)[2] is not None])
def test_serve_refuses_an_invalid_setting_with_exit_2(served, env, name):
    bad = sample(name)[2]
    env.setenv(f"ADVISOR_{name.upper()}", bad)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2 and f"ADVISOR_{name.upper()}=" in result.output and "uvicorn" not in served
    env.delenv(f"ADVISOR_{name.upper()}")
    result = CliRunner().invoke(cli, ["serve", *flag_args(name, bad)] if Settings.model_fields[name].annotation
                                is not bool else ["serve", f"--{name.replace('_', '-')}={bad}"])
    assert result.exit_code == 2 and "--" + name.replace("_", "-") in result.output and "uvicorn" not in served


def test_serve_passes_the_server_settings_to_uvicorn(served, env):
    env.setenv("ADVISOR_WORKERS", "3")
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--forwarded-allow-ips", "127.0.0.1",
                                      "--cors-origin", "https://a.example", "--cors-origin", "https://b.example"])
    assert result.exit_code == 0, result.output
    assert {k: served["uvicorn"][k] for k in ("port", "workers", "proxy_headers", "forwarded_allow_ips")} == \
        {"port": 8123, "workers": 3, "proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
    assert served["worker"].cors_origins == ("https://a.example", "https://b.example")
