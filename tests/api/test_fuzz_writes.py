"""Property test: hostile JSON to every write endpoint is never a 5xx and never leaves half a write.

Hypothesis starts from a valid body for each endpoint, as the persona who may call it, and
mutates it: any value of it (however deep) replaced by something hostile (deep nesting, lone
surrogates, NUL characters, integers beyond 64 bits, floats too large, wrong types, huge
strings), unknown fields added, or the whole body replaced. After every request:

- the status is below 500;
- a 4xx stored nothing (every table the endpoints write has the row count it had before);
- what is stored is whole: no visit without its answers and section scores.

The examples are few per endpoint (``FUZZ_SETTINGS``) and seeded per endpoint, so the suite stays
quick and the same on every run; ``INCOGNITO_FUZZ_EXAMPLES=500`` digs deeper locally.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import uuid
import zlib

import pytest
from django.core.cache import cache
from django.db.models import Count
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from audits.models import (
    Answer,
    AnswerAmendment,
    Assignment,
    AssignmentStatus,
    Dispute,
    ReviewComment,
    Visit,
    VisitPhoto,
    VisitRevision,
    VisitSectionScore,
    Wave,
)
from backend import clock
from coaching.models import ActionItem, CoachingReport
from tests import factories
from tests.auditor_api.conftest import certify, submission_body

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("INCOGNITO_FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

WATCHED = [
    Visit,
    Answer,
    VisitSectionScore,
    VisitPhoto,
    VisitRevision,
    AnswerAmendment,
    ReviewComment,
    Dispute,
    ActionItem,
    Assignment,
    Wave,
    CoachingReport,
]

# --- Hostile values --------------------------------------------------------------------------------

# Every code point, lone surrogates (category Cs) and NUL included.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
nasty_text = st.sampled_from(["\ud800", "\udfff", "ok\ud83d", "\x00", "a\x00b", "", " ", "\u202e", "界" * 3])
huge_text = st.builds(lambda char, n: char * n, st.sampled_from(["x", "界", "\x00", "\ud800"]), st.integers(1, 200_000))
edge_ints = st.sampled_from([0, -1, 2**31, 2**32, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**30, -(10**40)])
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    edge_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
    nasty_text,
    huge_text,
    st.sampled_from(
        ["2026-13-45", "0001-01-01", "9999-12-31", "SH-BUND", "fries_hot", "6f1c2a8e-3f7b-4c1e-9d2a-0b1c2d3e4f50"]
    ),
)
hostile = st.recursive(
    leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4), max_leaves=12
)


class Deep:
    """A value nested ``depth`` levels deep, written into the raw JSON (Python could not build it)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def json(self) -> str:
        return "[" * self.depth + "1" + "]" * self.depth


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _set(body, path, value):
    if not path:
        return value
    node = body
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return body


def _encode(value) -> str:
    """JSON as a hostile client writes it: surrogates as escapes, NaN and 1e400 as they come."""
    deep: dict[str, str] = {}

    def default(obj):
        if isinstance(obj, Deep):
            marker = f"__deep_{len(deep)}__"
            deep[marker] = obj.json()
            return marker
        raise TypeError(type(obj))

    raw = json.dumps(value, ensure_ascii=True, default=default)
    for marker, text in deep.items():
        raw = raw.replace(f'"{marker}"', text)
    return raw


@st.composite
def hostile_bodies(draw, base: dict) -> str:
    """A raw JSON body: ``base`` with one to three of its values made hostile, or worse."""
    shape = draw(st.sampled_from(["mutate", "mutate", "mutate", "extra", "replace", "deep"]))
    body = copy.deepcopy(base)
    if shape == "replace":
        return _encode(draw(hostile))
    paths = [path for path in _paths(base) if path]
    if shape in ("mutate", "deep") and paths:
        for _change in range(draw(st.integers(1, 3))):
            path = draw(st.sampled_from(paths))
            try:
                value = Deep(draw(st.integers(60, 6000))) if shape == "deep" else draw(hostile)
                body = _set(body, path, value)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change replaced what this path went through
    elif shape == "deep":
        body["deep"] = Deep(draw(st.integers(60, 6000)))
    else:
        body[draw(any_text)] = draw(hostile)
    return _encode(body)


# --- Invariants -----------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WATCHED}


def _nothing_half_written() -> None:
    visits = Visit.objects.annotate(
        answers_n=Count("answers", distinct=True), scores_n=Count("section_scores", distinct=True)
    )
    assert not visits.filter(answers_n=0).exists(), "a visit without its answers"
    assert not visits.filter(scores_n=0).exists(), "a visit without its section scores"


def known_hostile(base: dict) -> list[str]:
    """The issue's cases, always tried first: nesting 5,000 deep, a lone surrogate and a NUL in
    the first text of the body, an integer beyond 64 bits in its first number (or beside it)."""
    paths = [path for path in _paths(base) if path]
    text = next((path for path in paths if isinstance(_get(base, path), str)), ("extra",))
    number = next(
        (path for path in paths if isinstance(_get(base, path), int) and not isinstance(_get(base, path), bool)),
        ("extra",),
    )
    variants = [
        {**base, "deep": Deep(5000)},
        _set(copy.deepcopy(base), text, "\ud800"),
        _set(copy.deepcopy(base), text, "cold\x00fries"),
        _set(copy.deepcopy(base), number, 2**64),
        _set(copy.deepcopy(base), number, -(2**63) - 1),
    ]
    return [_encode(variant) for variant in variants]


def _get(body, path):
    for part in path:
        body = body[part]
    return body


def fuzz(client, url: str, base: dict, *, method: str = "post"):
    """Send hostile variants of ``base`` to ``url``; check the invariants after each."""

    @FUZZ_SETTINGS
    @seed(zlib.crc32(f"{method} {url}".encode()))  # the same examples on every run, different per endpoint
    @given(raw=hostile_bodies(base))
    def run(raw: str) -> None:
        cache.clear()  # the phone API's throttle counts requests; hundreds of examples are not a runaway client
        before = _counts()
        response = getattr(client, method)(url, data=raw, content_type="application/json")
        assert response.status_code < 500, (response.status_code, raw[:300], response.content[:300])
        if 400 <= response.status_code < 500:
            assert _counts() == before, (response.status_code, raw[:300], response.content[:300])
            body = response.json()
            assert isinstance(body, dict) and body, "a 4xx names what is wrong"
        _nothing_half_written()

    for raw in known_hostile(base):
        run = example(raw=raw)(run)
    run()


@pytest.fixture(autouse=True)
def no_pdfs(monkeypatch):
    """Coaching jobs stay queued: the fuzz is about the request, not the render."""
    from coaching import services

    monkeypatch.setattr(services, "dispatch", lambda report_id: None)


def _future(days: int) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


# --- The endpoints, as their personas -----------------------------------------------------------


def test_visit_submission(world, api, make_assignment):
    assignment = make_assignment()
    body = submission_body(assignment)
    body["complaint"] = {"observed": ["acknowledged"], "seconds_to_resolution": 60, "transcript": "..."}
    body["photos"] = [{"uuid": str(uuid.uuid4()), "item": "fries_hot"}]
    body["summary"] = "fine"
    fuzz(api.as_user(world.auditor_a), "/api/auditor/visits/", body)


def test_visit_resubmission(world, api):
    from audits.services import reviews

    visit = world.pending_bund_visit
    reviews.visit_review_start(visit=visit, by=world.reviewer)
    reviews.visit_return(visit=visit, by=world.reviewer, note="check fries", item_comments={})
    body = {"answers": [{"item": "fries_hot", "value": True, "comment": "hot"}], "summary": "redone"}
    fuzz(api.as_user(world.auditor_a), f"/api/auditor/visits/{visit.uuid}/resubmit/", body)


def test_assignment_accept_and_decline(world, api, make_assignment):
    client = api.as_user(world.auditor_a)
    offered = make_assignment(accepted=False)
    fuzz(client, f"/api/auditor/assignments/{offered.pk}/decline/", {"reason": "I know the staff"})
    other = make_assignment(accepted=False, store=world.peoples_square)
    fuzz(client, f"/api/auditor/assignments/{other.pk}/accept/", {})
    assert Assignment.objects.get(pk=other.pk).status == AssignmentStatus.ACCEPTED


def test_action_items(world, api):
    body = {
        "store": "SH-BUND",
        "item_key": "fries_hot",
        "action": "Fry in smaller batches",
        "owner": "王经理",
        "due_on": _future(14),
        "client_key": str(uuid.uuid4()),
    }
    fuzz(api.as_user(world.store_manager_bund), "/api/action-items/", body)


def test_action_item_update(world, api):
    from coaching.services import action_item_create

    item = action_item_create(
        store=world.bund,
        item_key="fries_hot",
        action="Fry in smaller batches",
        owner="王经理",
        due_on=clock.today() + dt.timedelta(days=7),
        by=world.store_manager_bund,
    )
    body = {"action": "Smaller batches", "owner": "李", "due_on": _future(9)}
    fuzz(api.as_user(world.store_manager_bund), f"/api/action-items/{item.pk}/", body, method="patch")


def test_disputes(world, api):
    body = {"visit": world.released_bund_visit.pk, "item": "fries_hot", "reason": "The fries were hot."}
    fuzz(api.as_user(world.store_manager_bund), "/api/disputes/", body)


def test_dispute_resolution(world, api):
    from audits.services import reviews

    dispute = reviews.dispute_open(
        visit=world.released_bund_visit, item_key="fries_hot", reason="hot", by=world.store_manager_bund
    )
    body = {"outcome": "amended", "note": "Photo shows hot fries.", "value": True, "na": False}
    fuzz(api.as_user(world.reviewer), f"/api/disputes/{dispute.pk}/resolve/", body)


def test_coaching_report_jobs(world, api):
    body = {"store": "SH-BUND", "start": "2026-01-01", "end": "2026-03-31", "language": "en"}
    fuzz(api.as_user(world.store_manager_bund), "/api/reports/coaching/", body)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("start", {}),
        ("return", {"note": "Check the fries photo.", "items": {"fries_hot": "Photo is blurry."}}),
        ("reject", {"reason": "The receipt is from another store."}),
        ("amend", {"item": "fries_hot", "value": False, "na": False, "reason": "The photo shows cold fries."}),
        ("release", {}),
    ],
)
def test_review_actions(world, api, action, body):
    visit = factories.record_visit(store=world.bund, version=world.version, auditor=world.auditor_b)
    if action in ("return", "reject", "amend"):
        from audits.services import reviews

        reviews.visit_review_start(visit=visit, by=world.reviewer)
    fuzz(api.as_user(world.reviewer), f"/api/review/visits/{visit.pk}/{action}/", body)


def test_waves(world, api):
    factories.complaint_scenario()
    start = (clock.today().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    body = {
        "name": "Fuzz wave",
        "scorecard_version": world.version.pk,
        "regions": ["EAST"],
        "stores": ["BJ-WFJ"],
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=20)).isoformat(),
        "visits_per_store_per_month": 2,
        "daypart_quotas": {"lunch": 1, "dinner": 1},
        "scenarios": ["COLD-FOOD"],
        "complaint_visits_per_store_per_month": 1,
        "rotation_lockout_days": 30,
        "seed": 7,
    }
    client = api.as_user(world.hq)
    fuzz(client, "/api/waves/", body)
    certify(world.auditor_a, world.version)
    wave = client.post("/api/waves/", {**body, "name": "Fuzz wave 2"}, format="json")
    assert wave.status_code == 201, wave.content
    fuzz(client, f"/api/waves/{wave.json()['id']}/", body, method="patch")
    fuzz(client, f"/api/waves/{wave.json()['id']}/preview/", {})


def test_follow_ups(world, api):
    from coaching.services import action_item_create

    item = action_item_create(
        store=world.bund,
        item_key="fries_hot",
        action="Fry in smaller batches",
        owner="王经理",
        due_on=clock.today() + dt.timedelta(days=7),
        by=world.store_manager_bund,
    )
    ActionItem.objects.filter(pk=item.pk).update(due_on=clock.today() - dt.timedelta(days=3))
    start = clock.store_today(world.bund) + dt.timedelta(days=1)
    body = {"store": "SH-BUND", "window_start": start.isoformat(), "window_end": start.isoformat(), "daypart": "lunch"}
    fuzz(api.as_user(world.hq), "/api/follow-ups/", body)
