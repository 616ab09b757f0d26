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
"""

from django.utils import translation
from drf_spectacular import generators, openapi
from drf_spectacular.utils import OpenApiParameter

from backend.api.versioning import CURRENT_VERSION, HEADER, SUPPORTED_VERSIONS, HeaderVersioning

SCHEMA_LANGUAGE = "en"


class SchemaGenerator(generators.SchemaGenerator):
    """Spectacular's generator, always in English."""

    def get_schema(self, request=None, public=False):
        with translation.override(SCHEMA_LANGUAGE):
            return super().get_schema(request=request, public=public)


class AutoSchema(openapi.AutoSchema):
    """Spectacular's inspector, adding the contract-version header to every versioned operation."""

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
        return parameters
