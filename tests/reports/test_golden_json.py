"""The report API's bytes stay as they were: responses against copies captured before a refactoring.

``golden_json.json`` holds the response bodies of the trend, comparison and weaknesses endpoints
(and the comparison's CSV) on the dataset of ``conftest.py``, captured from the code before the
selectors returned dataclasses. Only what differs from one database to the next is replaced by
placeholders: visit references (random), and the scorecard template's id. Everything else, key
order, float and decimal formatting and nulls included, must be byte for byte the same.

To capture again (only when a change of the API is intended):
``INCOGNITO_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_golden_json.py``.
"""

from __future__ import annotations

import json
import os
import pathlib
import re

import pytest

from audits.models import Visit
from tests.reports.conftest import PERIOD

GOLDEN = pathlib.Path(__file__).with_name("golden_json.json")
QUIET = "start=2024-01-01&end=2024-02-29"

CASES = {
    "trend_hq": ("hq", f"/api/reports/stores/SH-BUND/trend/?{PERIOD}"),
    "trend_store_manager": ("store_manager_bund", f"/api/reports/stores/SH-BUND/trend/?{PERIOD}"),
    "trend_competitor": ("hq", f"/api/reports/stores/SH-XTD/trend/?{PERIOD}"),
    "trend_one_month": ("hq", "/api/reports/stores/SH-BUND/trend/?start=2026-02-01&end=2026-02-28"),
    "trend_quiet": ("hq", f"/api/reports/stores/SH-BUND/trend/?{QUIET}"),
    "trend_long": ("hq", "/api/reports/stores/SH-PPL/trend/?start=2025-06-01&end=2026-05-31"),
    "comparison_hq": ("hq", f"/api/reports/comparison/?{PERIOD}"),
    "comparison_section_region": ("hq", f"/api/reports/comparison/?{PERIOD}&section=service&region=EAST"),
    "comparison_food": ("hq", f"/api/reports/comparison/?{PERIOD}&section=food"),
    "comparison_regional_manager": ("regional_manager_east", f"/api/reports/comparison/?{PERIOD}"),
    "comparison_store_manager": ("store_manager_bund", f"/api/reports/comparison/?{PERIOD}"),
    "comparison_quiet": ("hq", f"/api/reports/comparison/?{QUIET}"),
    "comparison_csv": ("hq", f"/api/reports/comparison/?{PERIOD}&format=csv"),
    "comparison_csv_region": ("hq", f"/api/reports/comparison/?{PERIOD}&format=csv&region=EAST"),
    "weaknesses_hq": ("hq", f"/api/reports/stores/SH-BUND/weaknesses/?{PERIOD}"),
    "weaknesses_limit": ("store_manager_bund", f"/api/reports/stores/SH-BUND/weaknesses/?{PERIOD}&limit=2"),
    "weaknesses_ppl": ("hq", f"/api/reports/stores/SH-PPL/weaknesses/?{PERIOD}"),
    "weaknesses_perfect": ("hq", f"/api/reports/stores/BJ-WFJ/weaknesses/?{PERIOD}"),
    "weaknesses_quiet": ("hq", f"/api/reports/stores/SH-BUND/weaknesses/?{QUIET}"),
}


def _normalised(body: str, dataset) -> str:
    """The body with visit references and the template's id replaced by stable placeholders."""
    references = dict(Visit.objects.order_by("store__code", "visited_on", "id").values_list("reference", "id"))
    numbered = {reference: f"<visit {index}>" for index, reference in enumerate(references)}
    body = re.sub(r"V-[A-Z2-9]{8}", lambda match: numbered.get(match.group(0), match.group(0)), body)
    template_id = dataset.world.version.template_id
    return body.replace(f'"scorecard":{{"id":{template_id},', '"scorecard":{"id":"<template>",')


def _bodies(dataset, api) -> dict[str, str]:
    bodies = {}
    for name, (persona, url) in CASES.items():
        response = api.as_user(getattr(dataset.world, persona)).get(url)
        assert response.status_code == 200, (name, response.content)
        bodies[name] = _normalised(response.content.decode("utf-8"), dataset)
    return bodies


def test_report_responses_are_byte_for_byte_the_golden_copies(dataset, api):
    bodies = _bodies(dataset, api)
    if os.environ.get("INCOGNITO_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(bodies, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.fail("golden copies written; run again without INCOGNITO_WRITE_GOLDEN")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(bodies) == set(golden)
    for name, body in bodies.items():
        assert body == golden[name], name
