"""A check-in's GPS fix as phones send it (issue 11).

Raw values (``"latitude": 31.2397123``, ``"accuracy": 15.25``) rejected the whole visit: the
input refused more decimal places than a visit stores. Now any precision is accepted and rounded
half-even to the stored precision (degrees to 6 places, accuracy to 1); the range is still checked.
"""

from decimal import Decimal

import pytest
from rest_framework import serializers

from auditor_api.serializers import LocationIn
from audits.models import Visit
from backend.api.fields import RoundedDecimalField
from tests.api.problems import fields
from tests.auditor_api.conftest import submission_body

URL = "/api/auditor/visits/"


def test_a_raw_gps_fix_is_accepted_and_stored_rounded(world, api, make_assignment):
    body = submission_body(make_assignment())
    body["location"] = {"latitude": 31.2397123, "longitude": 121.49025849, "accuracy": 15.25}
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    visit = Visit.objects.get(uuid=body["uuid"])
    assert (visit.latitude, visit.longitude, visit.location_accuracy_m) == (
        Decimal("31.239712"),
        Decimal("121.490258"),
        Decimal("15.2"),  # half-even: 15.25 -> 15.2
    )
    assert visit.distance_m < 50


def test_a_retry_of_the_raw_fix_replays(world, api, make_assignment):
    body = submission_body(make_assignment())
    body["location"] = {"latitude": 31.2397123, "longitude": 121.4902584, "accuracy": 15.25}
    client = api.as_user(world.auditor_a)
    assert client.post(URL, body, format="json").status_code == 201
    assert client.post(URL, body, format="json").status_code == 200
    assert Visit.objects.filter(uuid=body["uuid"]).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", 90.0000006),
        ("latitude", -91),
        ("longitude", 180.5),
        ("longitude", -180.0000009),
        ("accuracy", -0.1),
    ],
)
def test_an_out_of_range_fix_is_a_400_naming_the_field(world, api, make_assignment, field, value):
    body = submission_body(make_assignment())
    body["location"] = {"latitude": 31.2397123, "longitude": 121.4902584, "accuracy": 15.25, field: value}
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["location"]
    assert list(fields(response)["location"]) == [field]
    assert not Visit.objects.filter(uuid=body["uuid"]).exists()


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        (31.2397123, Decimal("31.239712")),
        ("31.2397125", Decimal("31.239712")),  # half-even
        ("31.2397135", Decimal("31.239714")),
        (-0.00000049, Decimal("0.000000")),
        (90.0000004, Decimal("90.000000")),  # rounds into the range
        (45, Decimal("45.000000")),
        ("1E+1", Decimal("10.000000")),
    ],
)
def test_latitudes_of_any_precision_round_half_even(raw, rounded):
    location = LocationIn(data={"latitude": raw, "longitude": 0, "accuracy": 5})
    assert location.is_valid(), location.errors
    assert location.validated_data["latitude"] == rounded
    assert str(location.validated_data["latitude"]) == str(rounded)


@pytest.mark.parametrize("raw", ["1e30", "12345678901234567890123456789.5", "nan", "Infinity", "north", True])
def test_what_is_not_a_bounded_number_is_still_refused(raw):
    field = RoundedDecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    with pytest.raises(serializers.ValidationError):
        field.run_validation(raw)


def test_the_schema_says_number_with_the_range(world, api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    location = schema["components"]["schemas"]["LocationInRequest"]["properties"]
    assert {name: (spec["type"], spec.get("minimum"), spec.get("maximum")) for name, spec in location.items()} == {
        "latitude": ("number", -90, 90),
        "longitude": ("number", -180, 180),
        "accuracy": ("number", 0, 10_000_000),
    }
