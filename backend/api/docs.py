"""The schema and its readers at /api/schema/, /api/docs/ (Swagger UI) and /api/redoc/ (ReDoc).

The readers' JavaScript and CSS come from drf-spectacular-sidecar's static files
(``SWAGGER_UI_DIST``/``REDOC_DIST`` = "SIDECAR"): the docs work without internet and load nothing
from a CDN. None of these views is part of the versioned contract, so none asks for the
version header.
"""

import re
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular import views
from drf_spectacular.utils import extend_schema

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# ReDoc's sidebar logo is a hard-coded image on Redocly's CDN, with no option to leave it out.
_REDOC_REMOTE_LOGO = re.compile(rb'src:"https://[^"]+/logo-mini\.svg"')
# In its place an empty image of our own: the "API docs by Redocly" link stays, as text.
_LOCAL_LOGO = b'src:"data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 width=%271%27 height=%271%27/%3E"'


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        source = bundle.read()
    patched, found = _REDOC_REMOTE_LOGO.subn(_LOCAL_LOGO, source)
    if found != 1:  # a new sidecar release moved the logo: fail loudly, not fetch from outside
        raise RuntimeError(f"{REDOC_BUNDLE}: expected one remote logo, found {found}")
    return patched


def redoc_bundle(request):
    """The sidecar's ReDoc bundle with its one outside request (the logo) made local."""
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class SchemaView(views.SpectacularAPIView):
    """``/api/schema/``: not itself part of the versioned contract (no version header needed)."""

    versioning_class = None


class SwaggerView(views.SpectacularSwaggerView):
    """``/api/docs/``: Swagger UI, its assets served by this app (drf-spectacular-sidecar)."""

    versioning_class = None


class RedocView(views.SpectacularRedocView):
    """``/api/redoc/``: ReDoc, its assets served by this app (drf-spectacular-sidecar).

    Spectacular's page links Google Fonts; ours does not (ReDoc falls back to the system's fonts).
    ReDoc's bundle hard-codes its sidebar logo on Redocly's CDN: the page loads the bundle through
    :func:`redoc_bundle`, which makes that image local, and its policy allows images only from
    here in case a release adds another.
    """

    versioning_class = None
    template_name = "api/redoc.html"
    content_security_policy = "img-src 'self' data: blob:"

    def _redoc_standalone(self):
        return reverse("api-redoc-bundle")

    @extend_schema(exclude=True)  # as spectacular's own views: the docs are not in the schema
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = self.content_security_policy
        return response
