"""Base classes every API view derives from, so scoping cannot be forgotten."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from backend.api.exceptions import api_field_names


class ScopedViewSetMixin:
    """Start every query from what the caller may see: ``Model.objects.visible_to(user)``.

    Subclasses set ``queryset`` to a queryset whose class has ``visible_to``; objects outside
    the caller's scope are absent from lists and 404 on detail routes.
    """

    def get_queryset(self):
        base = super().get_queryset()
        return self.scope(base)

    def scope(self, queryset):
        return queryset.visible_to(self.request.user)


# The answers of a create that point at what was made (RFC 9110's Location).
CREATED_CODES = (status.HTTP_201_CREATED, status.HTTP_202_ACCEPTED)


class ServiceViewSetMixin:
    """One way from a request to a service and back: :meth:`run_service`.

    Every write of the API goes: (the view's object, 404 outside the scope) → validate the input
    serializer → call the service, keyword-only, with the validated data and the caller → read
    the result again through the view's scoped queryset (``visible_to``, its select/prefetch and
    annotations) → the output serializer → a ``Response``. The service's refusals
    (``backend.errors.DomainError``) are answered by the one exception handler
    (``backend.api.exceptions``); nothing here catches them, and a service that refuses wrote
    nothing (services are atomic), so there is nothing to re-read.
    """

    def run_service(
        self,
        service: Callable[..., Any],
        *,
        body: type | None = None,
        on: str | None = None,
        bind: bool = False,
        partial: bool = False,
        user: str | None = "by",
        arguments: Callable[[Mapping], Mapping] | None = None,
        result: Callable[[Any, Any], Any] | None = None,
        refetch: bool | QuerySet | Callable[[Any], Any] = True,
        output: type | None = None,
        status_code: int | Callable[[Any], int] = status.HTTP_200_OK,
        field_names: Mapping[str, str] | None = None,
    ) -> Response:
        """Run ``service`` for this request and answer with what it wrote.

        - ``body``: the input serializer class (``None``: the request has no body). It is given
          the view's serializer context; ``bind`` hands it the view's object (an update) and
          ``partial`` makes every field optional (``PATCH``).
        - ``on``: the keyword under which the view's object (``get_object()``, fetched first) is
          passed; ``user``: the keyword for ``request.user`` (``None``: the service is not told).
        - ``arguments``: validated data → the service's keywords (default: the data as is).
        - ``result``: (what the service returned, the view's object) → the object to answer with
          (default: what the service returned).
        - ``refetch``: ``True`` reads the object again through ``get_queryset()``; a queryset
          reads it through that one; a callable is applied to it; ``False`` answers it as is
          (without a prefetch the write may have made stale).
        - ``output``: the output serializer class, given no context (default: the view's
          ``get_serializer``, with its context).
        - ``status_code``: a number or (what the service returned) → a number. A 201 answers 200
          when the service says it replayed an earlier request (``replayed``, see
          ``backend.idempotency``).
        - ``field_names``: model field → API field renames for the service's errors.
        """
        target = self.get_object() if on else None
        keywords: dict[str, Any] = {}
        if body is not None:
            incoming = body(
                target if bind else None,
                data=self.request.data,
                partial=partial,
                context=self.get_serializer_context(),
            )
            incoming.is_valid(raise_exception=True)
            keywords.update(arguments(incoming.validated_data) if arguments else incoming.validated_data)
        if on:
            keywords[on] = target
        if user:
            keywords[user] = self.request.user
        with api_field_names(field_names) if field_names else nullcontext():
            returned = service(**keywords)
        answered = result(returned, target) if result else returned
        code = status_code(returned) if callable(status_code) else status_code
        if code == status.HTTP_201_CREATED and getattr(answered, "replayed", False):
            code = status.HTTP_200_OK
        # What the caller may not see is not found (404), even just written (a service's bug).
        if refetch is True:
            answered = get_object_or_404(self.get_queryset(), pk=answered.pk)
        elif isinstance(refetch, QuerySet):
            answered = get_object_or_404(refetch, pk=answered.pk)
        elif callable(refetch):
            answered = refetch(answered)
        elif getattr(answered, "_prefetched_objects_cache", None):
            # As DRF's own update does: what was prefetched before the write may be stale.
            answered._prefetched_objects_cache = {}
        data = output(answered).data if output else self.get_serializer(answered).data
        return Response(data, status=code, headers=self.created_location(answered, code))

    def created_location(self, created: Any, code: int) -> dict[str, str]:
        """``Location`` of what a ``create`` made (201, or a job accepted with 202): its own address.

        Only the router's ``create`` of a viewset that can ``retrieve`` what it creates sends it
        (``backend.api.schema`` documents exactly these); anything else answers no header.
        """
        if getattr(self, "action", None) != "create" or code not in CREATED_CODES or not hasattr(self, "retrieve"):
            return {}
        lookup = self.lookup_url_kwarg or self.lookup_field
        return {"Location": self.reverse_action("detail", kwargs={lookup: getattr(created, self.lookup_field)})}

    def create_with(self, service: Callable[..., Any], **options: Any) -> Response:
        """``create`` through ``service``: the view's serializer validates the body; 201 Created."""
        return self.run_service(
            service, body=self.get_serializer_class(), status_code=status.HTTP_201_CREATED, **options
        )

    def update_with(self, service: Callable[..., Any], *, on: str, partial: bool = False, **options: Any) -> Response:
        """``update`` (``partial``: ``PATCH``) through ``service``, given the view's object as ``on``."""
        return self.run_service(service, on=on, body=self.get_serializer_class(), bind=True, partial=partial, **options)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    ServiceViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read for the caller's scope; create and update (no delete: history is kept).

    ``create``/``update`` of a subclass go through its service with :meth:`run_service`.
    """
