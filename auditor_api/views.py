"""The auditors' phone API. Thin views: input serializers in, services, output serializers out."""

import hashlib
import json

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from auditor_api import examples
from auditor_api import serializers as s
from audits import services as audit_services
from audits.models import Assignment, PhotoStatus, Visit, VisitPhoto, VisitSectionScore
from audits.services import assignments as assignment_services
from audits.services import reviews
from audits.services.photos import visit_photo_receive
from backend.api.parsers import MultiPartParser
from backend.api.viewsets import ScopedViewSetMixin, ServiceViewSetMixin
from branches.permissions import IsAuditor
from scorecards.models import ComplaintScenario, Item, RubricItem, ScorecardVersion, Section, VersionStatus
from scorecards.selectors import scorecard_version_list


class AuditorViewMixin(ScopedViewSetMixin, ServiceViewSetMixin):
    permission_classes = [IsAuditor]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auditor"


@extend_schema_view(
    list=extend_schema(
        summary="My assignments",
        description="Only the caller's own; filter by `status` (offered, accepted, …) and `daypart`.",
        examples=examples.ASSIGNMENT_LIST,
    ),
    retrieve=extend_schema(
        summary="One of my assignments",
        description="The store (address, position, opening hours), the window and daypart, the scorecard "
        "version to fetch for offline use, and the complaint test to perform, if any.",
        examples=examples.ASSIGNMENT_RETRIEVE,
    ),
)
class AuditorAssignmentViewSet(AuditorViewMixin, viewsets.ReadOnlyModelViewSet):
    """The visits offered to the caller (an auditor): accept or decline each one before its window opens."""

    queryset = Assignment.objects.select_related("store", "version__template").prefetch_related(
        Prefetch("scenario", queryset=ComplaintScenario.objects.prefetch_related("rubric"))
    )
    serializer_class = s.AssignmentOut
    filterset_fields = ["status", "daypart"]

    @extend_schema(
        request=None,
        responses={200: s.AssignmentOut},
        summary="Accept an offered assignment",
        description="No body. The assignment must be offered to the caller and its window not over.",
        examples=examples.ASSIGNMENT_ACCEPT,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.run_service(assignment_services.assignment_accept, on="assignment", user="auditor")

    @extend_schema(
        request=s.DeclineIn,
        responses={200: s.AssignmentOut},
        summary="Decline, with a reason",
        description="The reason is shown to HQ, who may offer the visit to another auditor.",
        examples=examples.ASSIGNMENT_DECLINE,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self.run_service(
            assignment_services.assignment_decline, on="assignment", body=s.DeclineIn, user="auditor"
        )


class AuditorScorecardVersionViewSet(AuditorViewMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.OfflineScorecardOut
    queryset = ScorecardVersion.objects.all()

    def scope(self, queryset):
        items = Item.objects.order_by("position", "id").prefetch_related("options", "bands")
        sections = Section.objects.order_by("position", "id").prefetch_related(Prefetch("items", queryset=items))
        return (
            scorecard_version_list(user=self.request.user)
            .exclude(status=VersionStatus.DRAFT)
            .prefetch_related(None)
            .prefetch_related(Prefetch("sections", queryset=sections))
        )

    @extend_schema(
        summary="A whole scorecard version for offline use",
        description="Send the ETag back as `If-None-Match`; an unchanged version answers 304 with no body.",
        responses={200: s.OfflineScorecardOut, 304: OpenApiResponse(description="Not modified")},
        examples=examples.SCORECARD_RETRIEVE,
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The `ETag` of the copy the phone holds: unchanged, the answer is 304.",
            ),
            OpenApiParameter(
                "ETag",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The version of the whole body (scenarios included); send it back as `If-None-Match`.",
                response=[200, 304],
            ),
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        scenarios = ComplaintScenario.objects.filter(active=True).prefetch_related(
            Prefetch("rubric", queryset=RubricItem.objects.order_by("position", "id"))
        )
        data = s.OfflineScorecardOut(self.get_object(), context={"scenarios": scenarios}).data
        # Published versions never change, but scenarios may: the tag covers the whole body.
        etag = '"' + hashlib.sha256(JSONRenderer().render(data)).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag, "Cache-Control": "private, max-age=0, must-revalidate"})


def _visit_queryset():
    return Visit.objects.select_related("assignment").prefetch_related(
        Prefetch("photos", queryset=VisitPhoto.objects.select_related("item")),
        Prefetch("section_scores", queryset=VisitSectionScore.objects.select_related("section")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="My submitted visits",
        description="Newest first; filter by `status` (submitted, in_review, returned, released, rejected).",
        responses=s.VisitReceiptOut(many=True),
        examples=examples.VISIT_LIST,
    ),
    retrieve=extend_schema(
        summary="One of my visits: what was received, which photos are missing",
        description="With the answers as stored and, for a returned visit, the reviewer's note and comments.",
        examples=examples.VISIT_RETRIEVE,
    ),
)
class AuditorVisitViewSet(AuditorViewMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's own visits: submit a whole visit once done, upload its photos, read back what was
    received (scores, photos still missing), resubmit one a reviewer returned."""

    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    serializer_class = s.VisitDetailOut
    queryset = Visit.objects.all()
    filterset_fields = ["status"]

    def scope(self, queryset):
        base = _visit_queryset()
        if self.action == "retrieve":
            base = base.prefetch_related("answers__item", "answers__option", "review_comments__item")
        return base.visible_to(self.request.user)

    def get_serializer_class(self):
        return s.VisitReceiptOut if self.action == "list" else s.VisitDetailOut

    @extend_schema(
        summary="Submit a whole visit (idempotent by uuid)",
        request=s.VisitSubmissionIn,
        responses={
            201: s.VisitReceiptOut,
            200: OpenApiResponse(s.VisitReceiptOut, description="A retry of an already stored submission."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Invalid input; answers' errors are keyed by item key."
            ),
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="This uuid was already used with a different body."),
        },
        description="The whole visit in one body, once done (offline until then). Retrying with the same uuid "
        "and body answers the stored visit (200); photos are uploaded afterwards, one request each.",
        examples=examples.VISIT_CREATE,
    )
    def create(self, request, *args, **kwargs):
        body = s.VisitSubmissionIn(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = audit_services.visit_submit(
            auditor=request.user,
            submission=_submission(body.validated_data),
            fingerprint=audit_services.submission_fingerprint(_canonical(request.data)),
        )
        # A fresh visit carries what was written; a replay is read back like any other visit.
        visit = outcome.visit if outcome.created else _visit_queryset().get(pk=outcome.visit.pk)
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(s.VisitReceiptOut(visit).data, status=code, headers=self.created_location(visit, code))

    @extend_schema(
        summary="Resubmit a returned visit (a new revision; the one before is kept)",
        request=s.ResubmissionIn,
        responses={200: s.VisitReceiptOut, 400: OpenApiResponse(description="Invalid answers, or not returned")},
        description="Only a visit a reviewer returned: the whole set of answers again, scored anew.",
        examples=examples.VISIT_RESUBMIT,
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, uuid=None):
        return self.run_service(
            reviews.visit_resubmit,
            on="visit",
            body=s.ResubmissionIn,
            user="auditor",
            arguments=lambda data: {
                "answers": {
                    answer["item"]: audit_services.AnswerInput(
                        value=answer["value"], not_applicable=answer["na"], comment=answer["comment"]
                    )
                    for answer in data["answers"]
                },
                "summary": data["summary"],
                "fingerprint": audit_services.submission_fingerprint(_canonical(request.data)),
            },
            result=lambda returned, _visit: returned[0],
            # The receipt's own read (the visit is the caller's: get_object() has just found it).
            refetch=_visit_queryset(),
            output=s.VisitReceiptOut,
        )

    @extend_schema(
        operation_id="auditor_visits_photos_upload",
        summary="Upload one photo of a visit (idempotent by photo uuid)",
        request={"multipart/form-data": s.PhotoUploadIn},
        responses={
            201: s.PhotoReceiptOut,
            200: s.PhotoReceiptOut,
            400: OpenApiResponse(description="Bad image"),
            409: OpenApiResponse(
                description="This photo uuid belongs to another visit, or came with another file; or the visit "
                "is in review, released or rejected, so its evidence is frozen."
            ),
        },
        description="multipart/form-data: the image as `file`, and the `uuid` and `item` planned in the "
        "submission's `photos`. The same uuid again answers the stored photo (200). Evidence freezes when a "
        "reviewer takes the visit: a new photo for a visit in review, released or rejected is a 409 (a returned "
        "visit takes photos again); a retry of a photo already received still answers it (200).",
        examples=examples.PHOTO_UPLOAD,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], throttle_scope="auditor-photos")
    def photos(self, request, uuid=None):
        visit = self.get_object()
        body = s.PhotoUploadIn(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = visit_photo_receive(
            visit=visit,
            photo_uuid=body.validated_data["uuid"],
            item_key=body.validated_data["item"],
            upload=body.validated_data["file"],
        )
        missing = VisitPhoto.objects.filter(visit=visit, status=PhotoStatus.EXPECTED).select_related("item")
        data = s.PhotoReceiptOut({"photo": outcome.photo, "photos_missing": missing}).data
        return Response(data, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


def _canonical(data) -> object:
    """The body as parsed JSON, so key order and spacing of a retry don't matter."""
    return json.loads(json.dumps(data, default=str))


def _submission(data: dict) -> audit_services.Submission:
    location = data.get("location")
    complaint = data.get("complaint")
    receipt = data.get("receipt")
    return audit_services.Submission(
        uuid=data["uuid"],
        assignment_id=data["assignment"],
        checked_in_at=data["checked_in_at"],
        checked_out_at=data["checked_out_at"],
        location=None
        if location is None
        else audit_services.Location(
            latitude=location["latitude"], longitude=location["longitude"], accuracy_m=location["accuracy"]
        ),
        answers=[
            audit_services.SubmittedAnswer(
                item=answer["item"], value=answer.get("value"), not_applicable=answer["na"], comment=answer["comment"]
            )
            for answer in data["answers"]
        ],
        complaint=None
        if complaint is None
        else audit_services.ComplaintResult(
            observed=tuple(complaint["observed"]),
            seconds_to_resolution=complaint["seconds_to_resolution"],
            transcript=complaint["transcript"],
        ),
        receipt=None
        if receipt is None
        else audit_services.Receipt(
            number=receipt.get("number", ""), amount=receipt.get("amount"), time=receipt.get("time")
        ),
        photos=[audit_services.PlannedPhoto(uuid=photo["uuid"], item=photo["item"]) for photo in data["photos"]],
        summary=data["summary"],
    )
