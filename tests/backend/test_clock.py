"""One clock: "now" and "today" come from ``backend.clock`` alone, and follow a moved clock."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
from pathlib import Path

import pytest
import time_machine

from backend import clock
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
CLOCK_MODULE = ROOT / "backend" / "clock.py"

# Calls that read the wall clock. ``localdate``/``localtime`` read it only without an argument.
WALL_CLOCK_CALLS = {
    ("timezone", "now"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
WALL_CLOCK_WITHOUT_ARGUMENT = {("timezone", "localdate"), ("timezone", "localtime")}


def _python_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if "/migrations/" not in name and (ROOT / name).exists()]


def _dotted_tail(node: ast.expr) -> tuple[str, str] | None:
    # `timezone.now`, `dt.datetime.now`, `datetime.datetime.now` all end in (owner, attribute).
    if not isinstance(node, ast.Attribute):
        return None
    owner = node.value
    if isinstance(owner, ast.Attribute):
        return owner.attr, node.attr
    if isinstance(owner, ast.Name):
        return owner.id, node.attr
    return None


# Names that, imported on their own, are a wall-clock read waiting to happen.
WALL_CLOCK_IMPORTS = {("django.utils.timezone", "now"), ("django.utils.timezone", "localdate")}


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(source)
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child.parent = parent
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [
                (node.lineno, f"{node.module}.{alias.name}")
                for alias in node.names
                if (node.module, alias.name) in WALL_CLOCK_IMPORTS
            ]
            continue
        if isinstance(node, ast.Attribute) and _dotted_tail(node) == ("timezone", "now"):
            # `default=timezone.now` hands the wall clock over without calling it here.
            parent = getattr(node, "parent", None)
            if not (isinstance(parent, ast.Call) and parent.func is node):
                found.append((node.lineno, "timezone.now"))
            continue
        if not isinstance(node, ast.Call):
            continue
        tail = _dotted_tail(node.func)
        if tail is None:
            continue
        if tail in WALL_CLOCK_CALLS or (tail in WALL_CLOCK_WITHOUT_ARGUMENT and not node.args and not node.keywords):
            found.append((node.lineno, ".".join(tail)))
    return sorted(found)


def test_the_checker_finds_every_spelling_of_a_wall_clock_read():
    source = "\n".join(
        [
            "timezone.now()",
            "django.utils.timezone.now()",
            "dt.datetime.now(tz)",
            "datetime.datetime.utcnow()",
            "datetime.date.today()",
            "dt.date.today()",
            "timezone.localdate()",
            "timezone.localtime()",
            "time.time()",
            "timezone.localdate(moment)",  # converts a given instant: no wall-clock read
            "clock.now()",
            "clock.today()",
            "created = models.DateTimeField(default=timezone.now)",
            "schedule(timezone.now)",
            "from django.utils.timezone import now",
        ]
    )
    assert [name for _line, name in wall_clock_reads(source)] == [
        "timezone.now",
        "timezone.now",
        "datetime.now",
        "datetime.utcnow",
        "date.today",
        "date.today",
        "timezone.localdate",
        "timezone.localtime",
        "time.time",
        "timezone.now",
        "timezone.now",
        "django.utils.timezone.now",
    ]


def test_nothing_but_the_clock_module_reads_the_wall_clock():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}()"
        for path in _python_files()
        if path != CLOCK_MODULE
        for line, name in wall_clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "read the time through backend.clock instead:\n" + "\n".join(offenders)


def test_today_is_the_date_in_the_zone_asked_for():
    # 23:30 UTC on the last day of June is already 1 July in Shanghai, still 30 June in Los Angeles.
    with time_machine.travel(dt.datetime(2027, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today("Asia/Shanghai") == dt.date(2027, 7, 1)
        assert clock.today("America/Los_Angeles") == dt.date(2027, 6, 30)
        assert clock.today("UTC") == dt.date(2027, 6, 30)


def test_the_brand_day_follows_the_configured_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(dt.datetime(2027, 12, 31, 16, 0, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2028, 1, 1)
        assert clock.local_now().hour == 0


@pytest.mark.django_db
def test_a_store_day_is_the_date_where_the_store_is():
    shanghai = factories.StoreFactory(code="SH-ZONE", timezone="Asia/Shanghai")
    urumqi = factories.StoreFactory(code="XJ-ZONE", timezone="Asia/Urumqi")
    with time_machine.travel(dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC), tick=False):
        assert clock.store_today(shanghai) == dt.date(2027, 3, 2)
        assert clock.store_today(urumqi) == dt.date(2027, 3, 1)


def test_a_pinned_clock_answers_the_pinned_instant_and_lets_go_after():
    instant = dt.datetime(2031, 1, 2, 3, 4, tzinfo=dt.UTC)
    before = clock.now()
    with clock.pinned(instant):
        assert clock.now() == instant
        assert clock.today("Asia/Shanghai") == dt.date(2031, 1, 2)
    assert clock.now() >= before
    assert clock.now() != instant


def test_an_instant_needs_a_zone():
    with pytest.raises(ValueError):
        clock.local_date(dt.datetime(2027, 1, 1, 12, 0))
    with pytest.raises(ValueError), clock.pinned(dt.datetime(2027, 1, 1, 12, 0)):
        pass


def test_midday_of_a_date_falls_on_that_date_in_its_zone():
    for zone in ("Asia/Shanghai", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        moment = clock.midday(dt.date(2027, 6, 30), zone)
        assert clock.local_date(moment, zone) == dt.date(2027, 6, 30)
