"""Content negotiation: DRF's, except that an unknown ``?format=`` is a 400 naming ``format``.

(An unknown ``.xyz`` suffix of the address stays a 404: that address does not exist.)

DRF answers a ``format`` no renderer of the view has with a 404, as if the address did not
exist; for a client it is a bad query parameter, so it gets the API's 400 with the formats the
view offers (``REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"]``).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            if format_suffix:
                raise  # a ".xyz" suffix of the address: no such address (404)
            offered = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise ValidationError(
                {
                    self.settings.URL_FORMAT_OVERRIDE: [
                        _("Unknown format; choose one of: %(formats)s.") % {"formats": offered}
                    ]
                }
            ) from None
