"""The OpenAPI schema: the mobile team's contract, the same bytes whatever language asks for it.

Titles, descriptions and enum names come from ``verbose_name``/``help_text``/choice labels, which
are translated. A contract must not change with the reader's ``Accept-Language`` (or with
``LANGUAGE_CODE``, zh-hans by default): generated clients would get classes named after Chinese
titles, and an English and a Chinese client would differ. So the schema is always generated in
English, by the view (``/api/schema/``) and by ``manage.py spectacular`` alike, through
``SPECTACULAR_SETTINGS["DEFAULT_GENERATOR_CLASS"]``. Responses of the API itself still speak the
request's language.

Every versioned operation documents the ``X-Incognito-API-Version`` header (see
``backend.api.versioning``). The views serving the schema and its two readers are in
``backend.api.docs`` (apart: spectacular's views module imports this generator at import time).

The inspector (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) is drf-spectacular's, with two corrections so the schema
is the mobile team's contract (``tests/api/test_schema_conformance.py`` checks real responses
against it):

- A response lists every property as required: DRF's serializers send every declared field,
  null or not (read-only fields were already required, ``COMPONENT_NO_READ_ONLY_REQUIRED`` is
  false; this covers the writable fields of shapes that are also read).
- A nullable nested object is written so a strict OpenAPI 3.0 validator lets null through:
  drf-spectacular's ``allOf: [$ref], nullable: true`` does not (``nullable`` only widens a
  ``type`` of the same schema object), so it becomes ``oneOf: [$ref, null]``. Under OpenAPI 3.1
  drf-spectacular writes ``oneOf: [$ref, {type: null}]`` itself and nothing is changed.

Operations are named and described for the clients generated from the schema:

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

from django.utils import translation
from drf_spectacular import generators, openapi
from drf_spectacular.plumbing import get_doc, is_jsonschema_compliant
from drf_spectacular.serializers import PolymorphicProxySerializerExtension
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer

from backend.api.versioning import CURRENT_VERSION, HEADER, SUPPORTED_VERSIONS, HeaderVersioning

SCHEMA_LANGUAGE = "en"

# In OpenAPI 3.0 the one value of this schema is null.
_NULL_30 = {"type": "object", "nullable": True, "enum": [None]}


def nullable(schema: dict) -> dict:
    """``schema`` or null, in the schema language in use."""
    if is_jsonschema_compliant():
        return {"oneOf": [schema, {"type": "null"}]}
    if "type" in schema and "$ref" not in schema and "oneOf" not in schema:
        return {**schema, "nullable": True}
    return {"oneOf": [schema, _NULL_30]}


def nullable_union(*types: str) -> dict:
    """One of the JSON ``types`` (``"boolean"``, ``"number"``, ``"string"``...) or null."""
    if is_jsonschema_compliant():
        return {"type": [*types, "null"]}
    return {"oneOf": [{"type": types[0], "nullable": True}, *({"type": kind} for kind in types[1:])]}


# A calendar month, "2027-01" (OpenAPI's `format: date` is a whole day).
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2027-01"}


def _nullable_ref(schema: dict) -> dict:
    refs = schema.get("allOf")
    if is_jsonschema_compliant() or not schema.get("nullable") or not refs or len(refs) != 1:
        return schema
    meta = {key: value for key, value in schema.items() if key not in ("allOf", "nullable")}
    return {"oneOf": [refs[0], _NULL_30], **meta}


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


class SchemaGenerator(generators.SchemaGenerator):
    """Spectacular's generator, always in English."""

    def get_schema(self, request=None, public=False):
        with translation.override(SCHEMA_LANGUAGE):
            return super().get_schema(request=request, public=public)


class AutoSchema(openapi.AutoSchema):
    """Spectacular's inspector: the contract-version header on every versioned operation, the
    response shapes as sent (every property required, nullable nested objects that admit null),
    operation ids that name the action and descriptions written for the client."""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        properties = schema.get("properties") or {}
        for name, prop in properties.items():
            properties[name] = _nullable_ref(prop)
        if direction == "response" and properties:
            schema["required"] = list(properties)
        return schema

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        versioning_class = getattr(self.view, "versioning_class", None)
        if versioning_class and issubclass(versioning_class, HeaderVersioning):
            parameters = [
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    enum=list(SUPPORTED_VERSIONS),
                    default=CURRENT_VERSION,
                    description=(
                        "The API contract version the client speaks. Without it the server answers as "
                        f"version {CURRENT_VERSION}; a version it does not speak gets 406."
                    ),
                ),
                *parameters,
            ]
        if getattr(self.view, "action", None) == "create" and hasattr(self.view, "retrieve"):
            # What ServiceViewSetMixin.created_location sends: the created object's address.
            parameters = [
                *parameters,
                OpenApiParameter(
                    "Location",
                    str,
                    OpenApiParameter.HEADER,
                    response=[201, 202],
                    description="The address of what was created (read it there with GET).",
                ),
            ]
        return parameters

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


class ShapeByCaller(PolymorphicProxySerializer):
    """One address answering one of several shapes by who asks, with no field that tells which.

    Documented as ``anyOf`` (not spectacular's ``oneOf``): a wider shape's body also fits a
    narrower one that admits more properties, and ``oneOf`` would then refuse it for matching
    both. List the widest shape first, as generated clients try them in order.
    """

    def __init__(self, component_name: str, serializers: list, **kwargs) -> None:
        super().__init__(
            component_name=component_name, serializers=serializers, resource_type_field_name=None, **kwargs
        )


class ShapeByCallerExtension(PolymorphicProxySerializerExtension):
    target_class = ShapeByCaller
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        return {"anyOf": schema.pop("oneOf"), **schema}
