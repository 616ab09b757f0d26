"""The schema and its readers at /api/schema/, /api/docs/ (Swagger UI) and /api/redoc/ (ReDoc).

The readers' JavaScript and CSS come from drf-spectacular-sidecar's static files
(``SWAGGER_UI_DIST``/``REDOC_DIST`` = "SIDECAR"): the docs work without internet and load nothing
from a CDN. None of these views is part of the versioned contract, so none asks for the
version header.
"""

from drf_spectacular import views
from drf_spectacular.utils import extend_schema


class SchemaView(views.SpectacularAPIView):
    """``/api/schema/``: not itself part of the versioned contract (no version header needed)."""

    versioning_class = None


class SwaggerView(views.SpectacularSwaggerView):
    """``/api/docs/``: Swagger UI, its assets served by this app (drf-spectacular-sidecar)."""

    versioning_class = None


class RedocView(views.SpectacularRedocView):
    """``/api/redoc/``: ReDoc, its assets served by this app (drf-spectacular-sidecar).

    Spectacular's page links Google Fonts; ours does not (ReDoc falls back to the system's fonts).
    ReDoc's sidebar shows Redocly's logo from cdn.redoc.ly, with no option to leave it out: the
    page's policy allows images only from here, so the browser never asks (the link stays, as text).
    """

    versioning_class = None
    template_name = "api/redoc.html"
    content_security_policy = "img-src 'self' data: blob:"

    @extend_schema(exclude=True)  # as spectacular's own views: the docs are not in the schema
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = self.content_security_policy
        return response
