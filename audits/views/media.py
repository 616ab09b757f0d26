"""Evidence files behind the same scoping as the visits they belong to.

Nothing under ``MEDIA_ROOT`` is served by URL: a photo is read through ``/api/photos/{uuid}/``,
which first finds it among the photos of visits the caller may see (someone else's is 404, like
every object), then streams the file (local storage) or redirects to a short-lived signed link
(S3, ``S3_URL_EXPIRE_SECONDS``). The store's own evidence for a dispute is read the same way at
``/api/disputes/{id}/photo/``.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets

from audits import selectors
from audits.models import VisitPhoto
from backend.api.viewsets import ScopedViewSetMixin

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
VARIANTS = ("full", "thumbnail")


def stored_file_response(field, *, filename: str):
    """A stored file to its caller: streamed from local disk, or a redirect to a signed S3 link."""
    if not field:
        raise Http404
    if settings.MEDIA_STORAGE == "s3":
        return HttpResponseRedirect(field.url)
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(field.open("rb"), content_type=content_type, filename=filename)
    # The caller's own evidence: private to them, never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


IMAGE_RESPONSES = {
    **{
        (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The image.")
        for content_type in IMAGE_TYPES
    },
    302: OpenApiResponse(description="With S3 media: a redirect to a signed link that expires."),
}


class PhotoFileViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A received evidence photo of a visit the caller may see: the image or its thumbnail."""

    queryset = VisitPhoto.objects.all()
    lookup_field = "uuid"

    def scope(self, queryset):
        return selectors.photos_visible_to(user=self.request.user)

    @extend_schema(
        operation_id="photos_file",
        summary="An evidence photo's image (or its thumbnail), for whoever may see its visit",
        parameters=[
            OpenApiParameter(
                "variant", OpenApiTypes.STR, enum=list(VARIANTS), description="`thumbnail` for the small copy."
            )
        ],
        responses=IMAGE_RESPONSES,
    )
    def retrieve(self, request, *args, **kwargs):
        photo = self.get_object()
        variant = request.query_params.get("variant", "full")
        field = photo.thumbnail if variant == "thumbnail" else photo.image
        return stored_file_response(field, filename=f"{photo.uuid}{'-thumbnail' if variant == 'thumbnail' else ''}.jpg")
