import pytest

from branches.models import Region, Store
from tests import factories
from tests.api.problems import fields


def _codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_store_filter_by_region_includes_every_region_below(world, api):
    client = api.as_user(world.hq)
    assert sorted(_codes(client.get("/api/stores/?region=EAST"))) == ["SH-BUND", "SH-PPL"]
    assert _codes(client.get("/api/stores/?region=BJ-DC")) == ["BJ-WFJ"]
    assert _codes(client.get("/api/stores/?region=NOWHERE")) == []


def test_store_filter_by_city_and_code(world, api):
    client = api.as_user(world.hq)
    assert _codes(client.get("/api/stores/?city=北京")) == ["BJ-WFJ"]
    assert _codes(client.get("/api/stores/?code=sh-bund")) == ["SH-BUND"]


def test_filters_never_widen_the_scope(world, api):
    client = api.as_user(world.regional_manager_east)
    assert _codes(client.get("/api/stores/?region=NORTH")) == []
    assert _codes(client.get("/api/stores/?code=BJ-WFJ")) == []


def test_regions_show_their_parent_and_depth(world, api):
    rows = api.as_user(world.hq).get("/api/regions/").json()["results"]
    by_code = {row["code"]: row for row in rows}
    assert by_code["SH-HP"]["parent"] == "EAST"
    assert by_code["SH-HP"]["depth"] == 3
    assert by_code["HQ"]["parent"] is None


def test_hq_creates_a_store(world, api):
    response = api.as_user(world.hq).post(
        "/api/stores/",
        {
            "code": "SH-XTD",
            "name": "新天地餐厅",
            "region": "SH-HP",
            "address": "马当路 1 号",
            "city": "上海",
            "latitude": "31.219",
            "longitude": "121.475",
            "opening_hours": {"mon": [["07:00", "22:00"]], "sat": [["08:00", "02:00"]]},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["region_name"] == "上海黄浦"
    assert "SH-XTD" in _codes(api.as_user(world.regional_manager_east).get("/api/stores/"))


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("code", "SH-BUND", "already exists"),
        ("code", "sh bund", "upper-case"),
        ("latitude", "91", "less than or equal to 90"),
        ("timezone", "Mars/Olympus", "not a known time zone"),
        ("opening_hours", {"someday": []}, "Unknown weekday"),
        ("opening_hours", {"mon": [["7am", "10pm"]]}, "HH:MM"),
        ("region", "NOWHERE", "does not exist"),
    ],
)
def test_bad_store_input_is_400_naming_the_field_and_nothing_is_stored(world, api, field, value, reason):
    body = {
        "code": "SH-NEW",
        "name": "新店",
        "region": "SH-HP",
        "address": "路 1 号",
        "city": "上海",
        "latitude": "31.2",
        "longitude": "121.4",
        field: value,
    }
    before = Store.objects.count()
    response = api.as_user(world.hq).post("/api/stores/", body, format="json")
    assert response.status_code == 400
    assert reason in " ".join(fields(response)[field])
    assert Store.objects.count() == before


def test_competitor_store_must_name_its_brand(world, api):
    response = api.as_user(world.hq).post(
        "/api/stores/",
        {
            "code": "SH-CMP",
            "name": "竞品",
            "region": "SH-HP",
            "address": "x",
            "city": "上海",
            "latitude": "31.2",
            "longitude": "121.4",
            "is_competitor": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "competitor_brand" in fields(response)


def test_hq_edits_a_store(world, api):
    response = api.as_user(world.hq).patch(f"/api/stores/{world.bund.id}/", {"active": False}, format="json")
    assert response.status_code == 200
    world.bund.refresh_from_db()
    assert world.bund.active is False


def test_hq_creates_a_region_under_a_parent(world, api):
    response = api.as_user(world.hq).post("/api/regions/", {"code": "SH-JA", "name": "上海静安", "parent": "EAST"})
    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": response.json()["id"],
        "code": "SH-JA",
        "name": "上海静安",
        "parent": "EAST",
        "depth": 3,
    }
    assert "SH-JA" in _codes(api.as_user(world.regional_manager_east).get("/api/regions/"))


def test_hq_moves_a_region_and_its_stores_follow(world, api):
    response = api.as_user(world.hq).patch(f"/api/regions/{world.huangpu.id}/", {"parent": "NORTH"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == "NORTH"
    assert "SH-BUND" in _codes(api.as_user(world.regional_manager_north).get("/api/stores/"))
    assert "SH-BUND" not in _codes(api.as_user(world.regional_manager_east).get("/api/stores/"))


def test_a_region_cannot_move_below_itself(world, api):
    response = api.as_user(world.hq).patch(f"/api/regions/{world.east.id}/", {"parent": "SH-HP"}, format="json")
    assert response.status_code == 400
    assert "parent" in fields(response)
    assert Region.objects.get(pk=world.huangpu.pk).path.startswith(Region.objects.get(pk=world.east.pk).path)


def test_duplicate_region_code_is_400(world, api):
    response = api.as_user(world.hq).post("/api/regions/", {"code": "EAST", "name": "重复"})
    assert response.status_code == 400
    assert "already exists" in " ".join(fields(response)["code"])


def test_regional_manager_of_a_parent_region_sees_stores_at_any_depth(world, api):
    deep = factories.RegionFactory(code="SH-HP-1", name="外滩街道", parent=world.huangpu)
    factories.StoreFactory(code="SH-DEEP", region=deep)
    assert "SH-DEEP" in _codes(api.as_user(world.regional_manager_east).get("/api/stores/"))
