"""The project's own lints catch what they promise, so a clean run means something."""

from __future__ import annotations

from pathlib import Path

from tools import import_contracts, status_literals

APPS = {"audits", "coaching", "reports"}


def test_another_apps_private_name_is_caught_imported_or_reached_through_its_module():
    source = (
        "from audits.selectors import _bookings, wave_list\n"
        "from reports import selectors\n"
        "selectors._versions(1)\n"
        "selectors.store_trend()\n"
    )
    uses = import_contracts._private_uses(source, own_root="coaching", roots=APPS)
    assert uses == [(1, "audits.selectors._bookings"), (3, "reports.selectors._versions")]


def test_private_names_inside_the_same_app_and_djangos_meta_are_allowed():
    source = "from coaching.services.actions import _stored_under_key\nfrom audits.models import Wave\nWave._meta\n"
    assert import_contracts._private_uses(source, own_root="coaching", roots=APPS) == []


def test_a_status_spelled_as_a_string_is_caught_in_lookups_comparisons_and_templates(tmp_path, monkeypatch):
    values = {"released", "done", "draft"}
    code = tmp_path / "sample.py"
    code.write_text(
        "Visit.objects.filter(status='released')\n"
        "Visit.objects.filter(visit__status__in=['released', 'x'])\n"
        "if report.status != 'done': pass\n"
        "if row['status'] == 'draft': pass\n"
        "Visit.objects.filter(status=VisitStatus.RELEASED, kind='done')\n"
    )
    template = tmp_path / "page.html"
    template.write_text('{% if item.status == "done" %}x{% endif %}\n<p data-status="{{ item.status }}">\n')
    monkeypatch.setattr(status_literals, "ROOT", Path(tmp_path))
    assert [line.split(": ", 1)[1] for line in status_literals.python_spellings(code, values)] == [
        "'released'",
        "'released'",
        "'done'",
        "'draft'",
    ]
    assert status_literals.template_spellings(template, values) == ["page.html:1: 'done'"]


def test_the_status_enums_are_found_in_the_apps():
    assert {"released", "published", "draft", "open", "done", "queued", "expected"} <= status_literals.status_values()
