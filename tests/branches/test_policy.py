"""``branches.policy``: every rule for every persona, and the layer it sits in."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from branches import policy
from tests import factories
from tests.personas import PERSONAS

ROOT = Path(settings.BASE_DIR)

# Who each role-level rule lets through; everyone else (anonymous included) is refused.
ROLE_RULES = {
    policy.may_administer: {"hq"},
    policy.may_plan_follow_up: {"hq"},
    policy.may_review: {"reviewer", "hq"},
    policy.may_audit: {"auditor_a", "auditor_b"},
    policy.may_read_reports: {
        "store_manager_bund",
        "store_manager_wfj",
        "regional_manager_east",
        "regional_manager_north",
        "reviewer",
        "hq",
    },
    policy.may_open_dispute: {"store_manager_bund", "store_manager_wfj"},
    policy.may_write_action_plan: {"store_manager_bund", "store_manager_wfj", "hq"},
    policy.follows_action_plans: {"regional_manager_east", "regional_manager_north", "hq"},
}


@pytest.mark.parametrize("rule", ROLE_RULES, ids=lambda rule: rule.__name__)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_rule_lets_exactly_its_roles_through(world, rule, persona):
    assert rule(world.persona(persona)) is (persona in ROLE_RULES[rule])


def test_nobody_at_all_may_do_anything():
    assert not any(rule(None) for rule in ROLE_RULES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_stores_own_manager_disputes_its_visits(world, persona):
    visit = SimpleNamespace(store_id=world.bund.pk)  # the policy reads the visit's store, nothing else
    assert policy.may_open_dispute(world.persona(persona), visit=visit) is (persona == "store_manager_bund")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_stores_own_managers_and_hq_write_its_plan(world, persona):
    user = world.persona(persona)
    assert policy.may_write_action_plan(user, store=world.bund) is (persona in {"store_manager_bund", "hq"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_writes_a_competitor_stores_plan(world, persona):
    rival = factories.StoreFactory(code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other")
    world.store_manager_bund.managed_stores.add(rival)

    user = world.persona(persona)
    assert not policy.may_write_action_plan(user, store=rival)
    assert not policy.may_write_action_plan(user, store=rival, in_scope=True)


def test_in_scope_skips_only_the_ownership_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert policy.may_write_action_plan(world.store_manager_bund, store=world.bund, in_scope=True)
        assert not policy.may_write_action_plan(world.regional_manager_east, store=world.bund, in_scope=True)
    with django_assert_num_queries(1):
        assert not policy.may_write_action_plan(world.store_manager_wfj, store=world.bund)


def test_require_refuses_with_the_callers_message():
    policy.require(True, "never raised")
    with pytest.raises(PermissionDenied) as refusal:
        policy.require(False, "Only HQ")
    assert str(refusal.value) == "Only HQ"


def test_the_action_plan_gate_is_403_for_outsiders_and_400_for_a_competitor_store(world):
    rival = factories.StoreFactory(code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other")

    policy.require_action_plan_writer(world.hq, store=world.bund)
    with pytest.raises(PermissionDenied):
        policy.require_action_plan_writer(world.store_manager_wfj, store=world.bund)
    with pytest.raises(PermissionDenied):
        policy.require_action_plan_writer(world.regional_manager_east, store=rival)
    with pytest.raises(ValidationError) as error:
        policy.require_action_plan_writer(world.hq, store=rival)
    assert set(error.value.message_dict) == {"store"}


# --- Layers -----------------------------------------------------------------------------------------

APPS = {"branches", "scorecards", "audits", "reports", "coaching", "dashboard", "auditor_api", "fixtures"}


def _imported_top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_policy_imports_no_app_above_branches():
    # Django, its own app and the project's infrastructure (the one error family); no upper app.
    imported = _imported_top_packages(ROOT / "branches" / "policy.py")
    assert imported <= {"__future__", "django", "branches", "backend"}


def test_backend_imports_no_app_but_its_top_wiring():
    wiring = {ROOT / "backend" / "urls.py", ROOT / "backend" / "api" / "router.py"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_top_packages(path) & APPS)
        for path in (ROOT / "backend").rglob("*.py")
        if path not in wiring and _imported_top_packages(path) & APPS
    }
    assert offenders == {}
