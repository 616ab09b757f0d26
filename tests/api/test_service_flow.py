"""One way from a request to a service and back: the error family, its API adapter, the mixin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from rest_framework import serializers, viewsets
from rest_framework.test import APIRequestFactory, force_authenticate

from backend.api.exceptions import exception_handler
from backend.api.viewsets import ScopedViewSetMixin, ServiceViewSetMixin
from backend.errors import Conflict, DomainError, Forbidden, InvalidInput, validated
from branches import policy
from branches.models import Region
from branches.serializers import RegionSerializer
from tests.api.problems import fields, fields_of, reasons

GENERIC_403 = {"detail": "You do not have permission to perform this action."}


def _answer(error):
    response = exception_handler(error, {})
    body = response.data
    if response.status_code == 400 or body.get("errors"):
        # The reasons in DRF's nested shape, from the problem's pointers (tests.api.problems.fields).
        return response.status_code, fields_of(body)
    return response.status_code, {"detail": body["detail"]}


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (InvalidInput({"due_on": "In the past."}), 400, {"due_on": ["In the past."]}),
        (InvalidInput({"due_on": ["a", "b"]}), 400, {"due_on": ["a", "b"]}),
        (InvalidInput({"answers": {"queue_seconds": "Too long."}}), 400, {"answers": {"queue_seconds": ["Too long."]}}),
        (
            InvalidInput("Only reviewers and HQ review visits."),
            400,
            {"non_field_errors": ["Only reviewers and HQ review visits."]},
        ),
        (InvalidInput(["one", "two"]), 400, {"non_field_errors": ["one", "two"]}),
        (Conflict("Taken."), 409, {"detail": "Taken."}),
        (Conflict("Taken.", errors={"client_key": ["Taken."]}), 409, {"client_key": ["Taken."]}),
        (Forbidden("Only the store's managers write its plan."), 403, GENERIC_403),
        (DjangoValidationError({"code": "Taken."}), 400, {"code": ["Taken."]}),
        (DjangoValidationError("A plain model refusal."), 400, {"non_field_errors": ["A plain model refusal."]}),
        (
            ProtectedError("still used", set()),
            409,
            {"detail": "This object is still referenced (e.g. by visits) and cannot be deleted."},
        ),
    ],
)
def test_the_api_adapter_answers_each_error_with_its_status_and_body(error, status, body):
    assert _answer(error) == (status, body)


def test_the_family_has_one_base_and_the_django_bridges():
    for error in (InvalidInput({}), Conflict(), Forbidden("no")):
        assert isinstance(error, DomainError)
    assert (InvalidInput.status_code, Conflict.status_code, Forbidden.status_code) == (400, 409, 403)
    # The Django bridges the dashboard and the admin rely on: a 403 page, form-style errors.
    assert isinstance(Forbidden("no"), PermissionDenied)
    error = InvalidInput({"store": "Closed.", "answers": {"k": ["Bad."]}})
    assert isinstance(error, DjangoValidationError)
    assert error.message_dict == {"store": ["Closed."], "answers": ["Bad."]}
    assert error.messages == ["Closed.", "Bad."]
    assert Conflict("Taken.").messages == ["Taken."]


def test_policy_refusals_are_forbidden_with_their_message():
    with pytest.raises(Forbidden) as refused:
        policy.require(False, policy.ACTION_PLAN_WRITERS_ONLY)
    assert refused.value.messages == [str(policy.ACTION_PLAN_WRITERS_ONLY)]


@pytest.mark.django_db
def test_validated_turns_a_models_refusal_into_invalid_input_with_the_apis_shape():
    with pytest.raises(InvalidInput) as refused:
        validated(Region(code="", name=""), exclude=["path", "depth", "numchild"])
    assert set(refused.value.errors) == {"code", "name"}
    assert all(isinstance(messages, list) for messages in refused.value.errors.values())
    status, body = _answer(refused.value)
    assert status == 400 and set(body) == {"code", "name"}


# --- The mixin ---------------------------------------------------------------------------------


class NameIn(serializers.Serializer):
    name = serializers.CharField()


def _region_writer(*, name, by):
    return Region.objects.add_root({"code": "NEW", "name": name})


@transaction.atomic
def _half_then_refuse(*, name, by):
    Region.objects.add_root({"code": "HALF", "name": name})
    raise InvalidInput({"name": "Refused after the first write."})


class _Regions(ScopedViewSetMixin, ServiceViewSetMixin, viewsets.GenericViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    visible = True
    service = staticmethod(_region_writer)

    def scope(self, queryset):
        return queryset if self.visible else queryset.none()

    def create(self, request):
        return self.run_service(self.service, body=NameIn, status_code=201)


def _post(world, view_class, body):
    request = APIRequestFactory().post("/regions/", body, format="json")
    force_authenticate(request, user=world.hq)
    return view_class.as_view({"post": "create"})(request)


def test_the_mixin_validates_calls_the_service_with_the_caller_and_reads_back_through_the_scope(world):
    response = _post(world, _Regions, {"name": "新区"})
    assert response.status_code == 201
    assert response.data["code"] == "NEW" and response.data["name"] == "新区"

    invalid = _post(world, _Regions, {})
    assert invalid.status_code == 400 and set(fields(invalid)) == {"name"}


def test_what_the_service_wrote_but_the_caller_may_not_see_is_not_answered(world):
    hidden = type("_HiddenRegions", (_Regions,), {"visible": False})
    response = _post(world, hidden, {"name": "新区"})
    assert response.status_code == 404
    assert "NEW" not in str(response.data)


def test_a_refused_service_leaves_nothing_half_written(world):
    before = Region.objects.count()
    refusing = type("_RefusingRegions", (_Regions,), {"service": staticmethod(_half_then_refuse)})
    response = _post(world, refusing, {"name": "半"})
    assert response.status_code == 400
    assert reasons(response) == {"/name": ["Refused after the first write."]}
    assert Region.objects.count() == before
    assert not Region.objects.filter(code="HALF").exists()
