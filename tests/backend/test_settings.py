"""Settings come from the environment; a bad value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.env import Env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "INCOGNITO_PROFILE": "production",
    "SECRET_KEY": "k3J9-vQ2_mZ8pL5wR1tY6uX0bN4cH7dG2sF9aE3qW8zV1oI5rT6yU",
    "ALLOWED_HOSTS": "audits.example.com",
}


def _django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda env: env.bool("DEBUG"), "maybe", "DEBUG='maybe' is not a boolean"),
        (lambda env: env.int("DEBUG", minimum=1), "0", "DEBUG=0 must be >= 1"),
        (lambda env: env.int("DEBUG"), "ten", "DEBUG='ten' is not an integer"),
        (lambda env: env.choice("DEBUG", ["a", "b"]), "c", "DEBUG='c' is not one of"),
        (lambda env: env.database("DEBUG", "sqlite:///x"), "mysql://u@h/db", "must point at SQLite or PostgreSQL"),
        (lambda env: env.database("DEBUG", "sqlite:///x"), "nonsense", "DEBUG"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(reader, value, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        reader(Env({"DEBUG": value}))


def test_a_required_variable_that_is_missing_is_named():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        Env({}).str("SECRET_KEY")


def test_booleans_lists_and_defaults_parse():
    env = Env({"A": "yes", "B": "off", "HOSTS": "a.example, b.example ,", "EMPTY": " "})
    assert (env.bool("A"), env.bool("B"), env.bool("EMPTY", True)) == (True, False, True)
    assert env.list("HOSTS") == ["a.example", "b.example"]


def test_postgres_url_parses_to_the_postgres_backend():
    config = Env({"DATABASE_URL": "postgres://u:p@db.example:5433/audits"}).database("DATABASE_URL", "sqlite:///x")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "audits",
    )


def test_start_up_stops_on_a_bad_value_and_names_it():
    result = _django(["check"], DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_start_up_stops_on_an_unknown_time_zone():
    result = _django(["check"], TIME_ZONE="Asia/Atlantis")
    assert result.returncode != 0
    assert "TIME_ZONE" in result.stderr


def test_production_profile_requires_a_real_secret():
    result = _django(["check"], INCOGNITO_PROFILE="production", ALLOWED_HOSTS="x.example", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50" in result.stderr


def test_production_profile_passes_the_deploy_check_without_warnings():
    result = _django(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    script = (
        "from django.db import connection; from django.conf import settings; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
        "print(cursor.fetchone()[0], settings.DATABASES['default']['OPTIONS']['transaction_mode'])"
    )
    result = _django(["shell", "-c", script], INCOGNITO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["wal", "IMMEDIATE"]
    assert (tmp_path / "incognito.sqlite3").exists()
