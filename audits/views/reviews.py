"""Reviewer endpoints (``/api/review/``) and disputes (``/api/disputes/``)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied

from audits.filters import VisitFilter
from audits.models import Answer, AnswerAmendment, Dispute, ReviewComment, Visit, VisitPhoto, VisitSectionScore
from audits.selectors import visit_list
from audits.serializers import reviews as rs
from audits.services import reviews
from audits.services.visits import AnswerInput, visit_release
from audits.views.media import IMAGE_RESPONSES, stored_file_response
from backend.api.parsers import JSONParser, MultiPartParser
from backend.api.schema import ShapeByCaller
from backend.api.viewsets import ScopedViewSetMixin, ServiceViewSetMixin
from branches import policy
from branches.permissions import IsReviewer


@extend_schema_view(
    list=extend_schema(summary="The review queue (filter status=submitted,in_review)"),
    retrieve=extend_schema(summary="A visit with everything a reviewer needs"),
)
class ReviewVisitViewSet(ScopedViewSetMixin, ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Submitted visits, for reviewers: read one with its answers, photos and history, then take it
    into review, return it to the auditor, reject it, amend an answer or release it to the store."""

    permission_classes = [IsReviewer]
    serializer_class = rs.ReviewVisitSerializer
    queryset = Visit.objects.all()
    filterset_class = VisitFilter

    def scope(self, queryset):
        return (
            visit_list(user=self.request.user)
            .select_related("complaint_scenario")
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.select_related("item", "option")),
                Prefetch("section_scores", queryset=VisitSectionScore.objects.select_related("section")),
                Prefetch("photos", queryset=VisitPhoto.objects.select_related("item")),
                Prefetch("review_comments", queryset=ReviewComment.objects.select_related("item")),
                Prefetch("amendments", queryset=AnswerAmendment.objects.select_related("item", "amended_by")),
                "revisions",
            )
        )

    @extend_schema(request=None, responses=rs.ReviewVisitSerializer, summary="Take a submitted visit into review")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.run_service(reviews.visit_review_start, on="visit")

    @extend_schema(request=None, responses=rs.ReviewVisitSerializer, summary="Release: from now on it counts")
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self.run_service(visit_release, on="visit")

    @extend_schema(request=rs.ReturnIn, responses=rs.ReviewVisitSerializer, summary="Return to the auditor")
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_auditor(self, request, pk=None):
        return self.run_service(
            reviews.visit_return,
            on="visit",
            body=rs.ReturnIn,
            arguments=lambda data: {"note": data["note"], "item_comments": data["items"]},
        )

    @extend_schema(request=rs.ReasonIn, responses=rs.ReviewVisitSerializer, summary="Reject: it will not count")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.run_service(reviews.visit_reject, on="visit", body=rs.ReasonIn)

    @extend_schema(request=rs.AmendIn, responses=rs.ReviewVisitSerializer, summary="Amend one answer, with a reason")
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        return self.run_service(
            reviews.visit_amend_answer,
            on="visit",
            body=rs.AmendIn,
            arguments=lambda data: {
                "item_key": data["item"],
                "answer": AnswerInput(value=data.get("value"), not_applicable=data["na"]),
                "reason": data["reason"],
            },
            # The service answers the amendment; the reviewer is shown the visit it changed.
            result=lambda _amendment, visit: visit,
        )


# The store side reads a dispute without the visit's sequential id; reviewers and HQ with it.
DISPUTES_FOR_CALLER = ShapeByCaller("DisputesForCaller", [rs.ReviewDisputeSerializer, rs.DisputeSerializer], many=True)
DISPUTE_FOR_CALLER = ShapeByCaller("DisputeForCaller", [rs.ReviewDisputeSerializer, rs.DisputeSerializer])


@extend_schema_view(
    list=extend_schema(summary="Disputes of the stores the caller may see", responses=DISPUTES_FOR_CALLER),
    retrieve=extend_schema(summary="One dispute and its outcome", responses=DISPUTE_FOR_CALLER),
)
class DisputeViewSet(ScopedViewSetMixin, ServiceViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A store's objection to one item of a released visit: its store managers open one within the
    dispute window; reviewers uphold the score or amend the answer. No dispute names an auditor."""

    serializer_class = rs.DisputeSerializer
    queryset = Dispute.objects.select_related("visit__store", "item")
    filterset_fields = ["status"]

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and not user.is_store_side:
            return rs.ReviewDisputeSerializer
        return rs.DisputeSerializer

    def get_parsers(self):
        # Opening a dispute may send a file (the photo): multipart/form-data, the one content type
        # the schema declares. A JSON body (no photo) is still read there, as it always was;
        # every other write of this view is JSON only.
        action = getattr(self, "action", None)
        if action is None and self.request is not None:
            action = self.action_map.get(self.request.method.lower())
        if action == "create":
            return [MultiPartParser(), JSONParser()]
        return super().get_parsers()

    @extend_schema(
        request={"multipart/form-data": rs.DisputeIn},
        responses={
            201: rs.DisputeSerializer,
            200: OpenApiResponse(rs.DisputeSerializer, description="A retry (same `client_key`, same body)."),
            404: OpenApiResponse(description="No released visit of the caller's stores has this `visit` reference."),
            409: OpenApiResponse(description="This `client_key` was already used with a different body."),
        },
        summary="Dispute an item of a released visit (idempotent by client_key)",
    )
    def create(self, request, *args, **kwargs):
        # DRF's PermissionDenied keeps the message in the 403's body (Django's would not).
        if not policy.may_open_dispute(request.user):
            raise PermissionDenied("Only store managers open disputes.")
        return self.run_service(
            reviews.dispute_open,
            body=rs.DisputeIn,
            arguments=lambda data: {
                "visit": self._visible_visit(data["visit"]),
                "item_key": data["item"],
                "reason": data["reason"],
                "photo": data.get("photo"),
                "client_key": data.get("client_key"),
            },
            status_code=status.HTTP_201_CREATED,
        )

    def _visible_visit(self, reference: str) -> Visit:
        # The visit must be one the caller can see: someone else's is simply not found.
        visit = Visit.objects.visible_to(self.request.user).filter(reference=reference).first()
        if visit is None:
            raise NotFound({"visit": ["No released visit of your stores has this reference."]})
        return visit

    @extend_schema(
        operation_id="disputes_photo",
        summary="The store's evidence photo for a dispute",
        responses={**IMAGE_RESPONSES, 404: OpenApiResponse(description="No such dispute, or it has no photo.")},
    )
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        dispute = self.get_object()
        return stored_file_response(dispute.photo, filename=f"dispute-{dispute.pk}.jpg")

    @extend_schema(request=rs.ResolveIn, responses=rs.ReviewDisputeSerializer, summary="Uphold or amend (reviewers)")
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def resolve(self, request, pk=None):
        return self.run_service(
            reviews.dispute_resolve,
            on="dispute",
            body=rs.ResolveIn,
            arguments=lambda data: {
                "note": data["note"],
                "amended_answer": AnswerInput(value=data.get("value"), not_applicable=data["na"])
                if data["outcome"] == "amended"
                else None,
            },
        )
