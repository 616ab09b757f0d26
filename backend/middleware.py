"""Refuse oversized request bodies up front with a clear 413, before anything reads them."""

import json

from django.conf import settings
from django.http import HttpResponse

# Multipart uploads carry a photo plus a little form overhead.
_MULTIPART_OVERHEAD = 256 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self._limit(request)
        if length > limit:
            body = {
                "detail": f"The request body is {length} bytes; the limit is {limit} bytes ({limit / 1048576:.1f} MB)."
            }
            return HttpResponse(json.dumps(body), status=413, content_type="application/json")
        return self.get_response(request)

    @staticmethod
    def _limit(request) -> int:
        limits = settings.INCOGNITO
        if request.content_type == "multipart/form-data":
            return limits["PHOTO_MAX_BYTES"] + _MULTIPART_OVERHEAD
        return limits["MAX_JSON_BODY_BYTES"]
