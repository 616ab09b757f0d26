"""How the OpenAPI schema names and describes operations (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

drf-spectacular's defaults, changed in two ways for the clients generated from the schema:

- **Operation ids.** A ``POST`` to an extra action is named after the action alone
  (``auditor_assignments_accept``, ``review_visits_release``), not ``…_create``: only a ``POST``
  that creates (the viewset's ``create``) ends in ``_create``. An ``extend_schema(operation_id=…)``
  still wins.
- **Descriptions.** A view's description is its own docstring, or one of its app's classes in
  between: the docstrings of the plumbing it derives from (``backend.api.viewsets``' mixins, DRF's
  classes) are written for the project's developers, never shown to the API's clients.
"""

from __future__ import annotations

import inspect

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_doc

# Classes from these modules are plumbing: their docstrings are not the API's documentation.
PLUMBING_MODULES = ("backend.api", "rest_framework", "drf_spectacular", "django")

# The viewset actions DRF's router maps itself; every other action is an extra one (``@action``).
ROUTER_ACTIONS = frozenset({"list", "create", "retrieve", "update", "partial_update", "destroy"})


def is_plumbing(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return any(module == name or module.startswith(name + ".") for name in PLUMBING_MODULES)


def view_doc(view_class: type) -> str:
    """The first docstring of ``view_class``'s own classes, stopping at the first plumbing class."""
    for cls in view_class.__mro__:
        if is_plumbing(cls):
            break
        doc = cls.__dict__.get("__doc__")
        if doc:
            return "\n".join(line.rstrip() for line in inspect.cleandoc(doc).rstrip().split("\n"))
    return ""


class AutoSchema(SpectacularAutoSchema):
    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        action = getattr(self.view, "action", None)
        if self.method == "POST" and action and action not in ROUTER_ACTIONS and operation_id.endswith("_create"):
            return operation_id.removesuffix("_create")
        return operation_id

    def get_description(self) -> str:
        action_or_method = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        action_doc = "" if action_or_method is None or is_plumbing(action_or_method) else get_doc(action_or_method)
        return action_doc or view_doc(self.view.__class__)
