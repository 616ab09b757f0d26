"""Action plans on the dashboard, through the ``coaching`` app's services and selectors.

- the store page: the store's action plan, a form prefilled from a weakest standard (store
  managers of the store and HQ write; the regional manager reads), mark-done / reopen buttons;
- the comparison: each store's open and overdue actions (one grouped query for all stores);
- HQ: the stores with overdue actions, with a form to plan a follow-up visit.

Writes go through ``coaching.services`` only, so the rules (who may write, due dates, standards
the store is held to) are the API's. Without the ``coaching`` app the pages leave these out.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from backend import clock
from branches import policy
from branches.dayparts import Daypart

DEFAULT_DUE_DAYS = 14
PLAN_LIMIT = 100


def available() -> bool:
    return apps.is_installed("coaching")


# --- Forms ------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    item_key = forms.ChoiceField(label=_("Standard"))
    action = forms.CharField(label=_("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("Owner"), max_length=120, help_text=_("A name, not an account."))
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    # Made when the form is rendered: sending the same form twice (a double click, a reload that
    # re-posts) stores one action (``coaching.services.action_item_create``'s ``client_key``).
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, standards: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_key"].choices = [("", _("Choose a standard")), *standards]

    @classmethod
    def resent(cls, data, *, standards: list[tuple[str, str]], message: str) -> ActionForm:
        """The form as sent, with a new key and ``message``: sending it again records a new action."""
        data = data.copy()
        data["client_key"] = str(uuid.uuid4())
        form = cls(data, standards=standards)
        form.is_valid()
        form.add_error(None, message)
        return form


class FollowUpForm(forms.Form):
    window_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    window_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    daypart = forms.ChoiceField(label=_("Daypart"), choices=Daypart.choices)


def describe_errors(form: forms.Form) -> None:
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{form[name].auto_id}-error"}
            )


# --- Reads --------------------------------------------------------------------------------------------


def action_counts(*, user, today: dt.date) -> dict[str, dict]:
    """``{store code: {"open", "overdue"}}`` of the stores the user follows (one query)."""
    from coaching.selectors import action_overview

    return {
        row["code"]: {"open": row["open"], "overdue": row["overdue"]} for row in action_overview(user=user, today=today)
    }


def standards(store) -> list[tuple[str, str]]:
    """(key, prompt) of the scored standards the store may plan on, newest wording, scorecard order."""
    from coaching.models import store_standards

    rows = (
        store_standards(store.pk)
        .order_by("-section__version__number", "section__position", "position", "id")
        .values_list("key", "prompt", "section__position", "position")
    )
    seen: dict[str, tuple] = {}
    for key, prompt, section_position, position in rows:
        seen.setdefault(key, (prompt, section_position, position))
    return [(key, value[0]) for key, value in sorted(seen.items(), key=lambda kv: (kv[1][1], kv[1][2], kv[0]))]


def initial_for(*, weaknesses, plan: str | None, today: dt.date) -> dict:
    """The form prefilled from a weakest standard (``?plan=<key>``, else the weakest one)."""
    chosen = next((item for item in weaknesses if item.key == plan), None)
    if chosen is None and weaknesses:
        chosen = weaknesses[0]
    initial = {"due_on": today + dt.timedelta(days=DEFAULT_DUE_DAYS), "client_key": uuid.uuid4()}
    if chosen is not None:
        initial.update(item_key=chosen.key, action=chosen.coaching_tip or "")
    return initial


def store_context(*, request, store, weaknesses, form: ActionForm | None = None) -> dict:
    from coaching.models import ActionStatus
    from coaching.selectors import action_items

    today = clock.today()
    items = list(
        action_items(user=request.user, store=store, today=today)
        .order_by("-status", "due_on", "id")
        .values("id", "item_key", "standard", "action", "owner", "due_on", "status", "done_at", "is_overdue")[
            :PLAN_LIMIT
        ]
    )
    # ``store`` is the page's, found in the user's scope (``reports.selectors.report_store``).
    writer = policy.may_write_action_plan(request.user, store=store, in_scope=True)
    if writer and form is None:
        form = ActionForm(
            standards=standards(store),
            initial=initial_for(weaknesses=weaknesses, plan=request.GET.get("plan"), today=today),
        )
    return {
        "action_plan": True,
        "action_items": items,
        "action_open": sum(1 for item in items if item["status"] == ActionStatus.OPEN),
        "ActionStatus": ActionStatus,
        "action_overdue": sum(1 for item in items if item["is_overdue"]),
        "action_form": form if writer else None,
        "action_can_write": writer,
    }
