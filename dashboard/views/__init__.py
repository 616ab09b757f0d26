"""The managers' web dashboard: server-rendered pages on the same selectors as the report API.

Scoping is the API's: every figure comes from ``reports.selectors`` (or ``dashboard.selectors``,
which follow the same rules) called with the signed-in user, a store outside the caller's scope
is 404, auditors get a polite page and no store data at all. Query parameters are validated by
the API's FilterSets, so a page accepts exactly what the API accepts and shows the same numbers.

One module a page: ``home``, ``comparison``, ``store`` (with its disputes and the coaching PDF),
``actions`` (the action plan and HQ's overdue list), ``auth``; ``common`` holds what they share.
"""

from dashboard.views.actions import action_complete, action_create, action_reopen, follow_up_create, overdue_actions
from dashboard.views.auth import LoginView, LogoutView
from dashboard.views.comparison import comparison
from dashboard.views.home import home
from dashboard.views.store import coaching_request, coaching_status, dispute_create, store_page

__all__ = [
    "LoginView",
    "LogoutView",
    "action_complete",
    "action_create",
    "action_reopen",
    "coaching_request",
    "coaching_status",
    "comparison",
    "dispute_create",
    "follow_up_create",
    "home",
    "overdue_actions",
    "store_page",
]
