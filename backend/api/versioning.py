"""Which contract version a client speaks: the ``X-Incognito-API-Version`` request header.

A phone sets the header once on its HTTP client (generated clients take it as a default header).
A request without it speaks the current version, so clients from before the header keep working.
``Accept: application/json; version=1`` is understood too (DRF's own convention, and how
drf-spectacular asks each view for its version while it builds the schema); when both are sent,
the ``Accept`` parameter wins. A version this server does not speak is refused with 406 and a
``detail`` naming the header and the versions it does speak.

Changing the API without breaking phones in the field: see the README section of that name.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, versioning
from rest_framework.compat import unicode_http_header
from rest_framework.utils.mediatypes import _MediaType

HEADER = "X-Incognito-API-Version"
CURRENT_VERSION = "1"
SUPPORTED_VERSIONS = ("1",)


class UnsupportedApiVersion(exceptions.NotAcceptable):
    default_code = "unsupported_api_version"


class HeaderVersioning(versioning.AcceptHeaderVersioning):
    """DRF versioning from the ``X-Incognito-API-Version`` header (or ``Accept``'s ``version``)."""

    header = HEADER
    default_version = CURRENT_VERSION
    allowed_versions = SUPPORTED_VERSIONS
    version_param = "version"

    def determine_version(self, request, *args, **kwargs):
        accepted = getattr(request, "accepted_media_type", None)
        version = _MediaType(accepted).params.get(self.version_param) if accepted else None
        if version is None:
            version = request.META.get("HTTP_" + self.header.upper().replace("-", "_"))
        version = unicode_http_header(version or "").strip()
        if not version:
            return self.default_version
        if version not in self.allowed_versions:
            raise UnsupportedApiVersion(
                _("Unsupported API version %(version)s in the %(header)s header: this server speaks %(supported)s.")
                % {"version": repr(version[:20]), "header": self.header, "supported": ", ".join(self.allowed_versions)}
            )
        return version
