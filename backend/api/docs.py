"""The schema and its readers at /api/schema/, /api/docs/ (Swagger UI) and /api/redoc/ (ReDoc).

The readers' JavaScript and CSS come from drf-spectacular-sidecar's static files
(``SWAGGER_UI_DIST``/``REDOC_DIST`` = "SIDECAR"): the docs work without internet and load nothing
from a CDN. None of these views is part of the versioned contract, so none asks for the
version header.
"""

from drf_spectacular import views


class SchemaView(views.SpectacularAPIView):
    """``/api/schema/``: not itself part of the versioned contract (no version header needed)."""

    versioning_class = None


class SwaggerView(views.SpectacularSwaggerView):
    """``/api/docs/``: Swagger UI, its assets served by this app (drf-spectacular-sidecar)."""

    versioning_class = None


class RedocView(views.SpectacularRedocView):
    """``/api/redoc/``: ReDoc, its assets served by this app (drf-spectacular-sidecar)."""

    versioning_class = None
