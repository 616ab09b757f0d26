"""Who may do what: one answer for the API's permissions, the dashboard's pages and the services.

``visible_to()`` (built on ``branches.scoping``) answers *which objects a user may see*; this
module answers *may this user do this (to this object)*. Every caller asks here: the DRF
permission classes (``branches.permissions``, ``reports.permissions``, the action-plan API), the
dashboard's views and decorators, the admin, and the services, which stay the last line and
enforce even when a view forgot. A rule changes in one place, so the API, the dashboard and the
services cannot disagree.

Each ``may_*`` function is one rule, a plain ``bool``; ``require()`` turns a refusal into
``backend.errors.Forbidden`` (403 on every surface; it is a Django ``PermissionDenied`` too).
Callers that answer a refusal as a 400 (services whose admin actions report an
``InvalidInput`` as a message) raise their own error from the same ``may_*`` answer.

This module sits in the bottom app: it imports only Django, ``branches`` and the one error
family (``backend.errors``). The objects of the apps above (visits, stores' action plans) are
reached through their attributes and relations (``visit.store_id``, ``store.is_competitor``,
``user.managed_stores``), never by importing them, and they are typed ``object`` so no upper app
is named even for type checkers.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from backend.errors import Forbidden, InvalidInput
from branches.models import Role

# Everyone who reads results: the audit side and the store side, never auditors (who must not
# learn how the stores they visit score).
REPORT_ROLES = frozenset({Role.HQ_ADMIN, Role.REVIEWER, Role.REGIONAL_MANAGER, Role.STORE_MANAGER})
# Reviewers check visits; HQ admins can do everything a reviewer can.
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.HQ_ADMIN})
# An action plan is the store's commitment: its own managers write it, and HQ. The regional
# manager follows it but does not write it for the store.
ACTION_PLAN_WRITER_ROLES = frozenset({Role.HQ_ADMIN, Role.STORE_MANAGER})
# Who looks across stores at their action plans: the region and HQ.
ACTION_PLAN_FOLLOWER_ROLES = frozenset({Role.REGIONAL_MANAGER, Role.HQ_ADMIN})

# The refusal the dashboard and the services share, so it reads the same wherever it is raised.
ACTION_PLAN_WRITERS_ONLY = gettext_lazy("Only the store's managers and HQ may change its action plan.")


def _role(user: object) -> str | None:
    """The user's role; ``None`` for nobody or an anonymous visitor (who may do nothing)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def _manages_store(user: object, store_id: int | None) -> bool:
    """The user is one of the store's own store managers (``User.managed_stores``)."""
    return store_id is not None and user.managed_stores.filter(pk=store_id).exists()


def _writes_for(user: object, store: object) -> bool:
    """HQ, or one of the store's own store managers: who answers for the store's plan."""
    role = _role(user)
    return role == Role.HQ_ADMIN or (role == Role.STORE_MANAGER and _manages_store(user, store.pk))


def _has_action_plan(store: object) -> bool:
    """Competitor stores are visited for benchmarking only: nobody coaches them, so no plan."""
    return not store.is_competitor


# --- The audit programme ----------------------------------------------------------------------------


def may_administer(user: object) -> bool:
    """HQ admins run the programme: stores, regions, scorecards, waves and assignments.

    Everyone else reads what their scope shows, and writes none of it.
    """
    return _role(user) == Role.HQ_ADMIN


def may_review(user: object) -> bool:
    """Reviewers (and HQ admins) check submitted visits, release, return, reject or amend them,
    and settle disputes. Only a released visit counts outside HQ, so this is the gate to it.
    """
    return _role(user) in REVIEW_ROLES


def may_audit(user: object) -> bool:
    """Only auditors visit stores: they alone accept assignments, submit visits and have an
    auditor profile. Nobody else may pose as a customer, and auditors do nothing else.
    """
    return _role(user) == Role.AUDITOR


def may_plan_follow_up(user: object) -> bool:
    """HQ plans a follow-up visit for a store whose actions are overdue, from its list of them.

    A follow-up is a planned visit like any other, so it is HQ's (``may_administer``); the
    overdue list exists for nobody else, since it only serves that planning.
    """
    return may_administer(user)


# --- Results ------------------------------------------------------------------------------------------


def may_read_reports(user: object) -> bool:
    """HQ, reviewers, regional and store managers read results (reports, the dashboard, coaching
    PDFs, action plans), each within their scope. Auditors never do: knowing how a store scores
    would colour their next visit. Anonymous visitors read nothing.
    """
    return _role(user) in REPORT_ROLES


def may_open_dispute(user: object, *, visit: object | None = None) -> bool:
    """Only store managers dispute, and only the visits of their own stores.

    Without ``visit`` the answer is for the role alone: the API and the dashboard ask before
    they look the visit up (and then find only visits the caller may see); the service asks
    again with the visit, reading ``visit.store_id``.
    """
    if _role(user) != Role.STORE_MANAGER:
        return False
    return visit is None or _manages_store(user, visit.store_id)


def may_write_action_plan(user: object, *, store: object | None = None, in_scope: bool = False) -> bool:
    """A store's own store managers and HQ write its action plan; a competitor store has none.

    The plan is the store's commitment, so its regional manager follows it and does not write
    it. Competitor stores are visited for benchmarking only: nobody coaches them. Without
    ``store`` the answer is for the role alone (the API's permission, before it has the store).

    ``in_scope=True`` says the caller found ``store`` through the user's own scope (the
    dashboard's ``report_store``), where a store manager reaches their own stores only, so
    ownership is known and not queried again. The services never pass it: they trust no caller.
    """
    if store is None:
        return _role(user) in ACTION_PLAN_WRITER_ROLES
    if not _has_action_plan(store):
        return False
    if in_scope:
        return _role(user) in ACTION_PLAN_WRITER_ROLES
    return _writes_for(user, store)


def follows_action_plans(user: object) -> bool:
    """Regional managers and HQ follow the stores' action plans side by side (the comparison's
    open and overdue columns). Not a permission: a store manager has their own store's page,
    and every reader may ask the API for the counts.
    """
    return _role(user) in ACTION_PLAN_FOLLOWER_ROLES


# --- Enforcing ------------------------------------------------------------------------------------------


def require(allowed: bool, message: str | Promise) -> None:
    """Refuse with ``Forbidden(message)`` (a 403) unless ``allowed``.

    ``allowed`` is one of the ``may_*`` answers above; ``message`` is the caller's refusal,
    unchanged from what it always said. (The API answers DRF's generic 403 text; the dashboard
    shows ``message``. ``Forbidden`` is a Django ``PermissionDenied``, so Django's 403 page and
    the admin answer it as they always have.)
    """
    if not allowed:
        raise Forbidden(message)


def require_action_plan_writer(user: object, *, store: object) -> None:
    """The action-plan services' gate, before anything is read or written.

    Someone who does not write the store's plan gets 403 (``ACTION_PLAN_WRITERS_ONLY``). For a
    competitor store, which has no plan at all, its writers get the 400 naming ``store`` that a
    closed store gets too: the refusal is about the store, not about them.
    """
    require(_writes_for(user, store), ACTION_PLAN_WRITERS_ONLY)
    if not _has_action_plan(store):
        raise InvalidInput(
            {"store": gettext("Competitor stores are visited for benchmarking; they have no action plan.")}
        )
