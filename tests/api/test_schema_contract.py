"""The OpenAPI schema is the mobile team's contract: the same bytes whatever language asks for it."""

import re

import pytest
import yaml
from django.core.management import call_command

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHEMA = "/api/schema/"


def served(client, language=None, **extra) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(SCHEMA, **headers, **extra)
    assert response.status_code == 200
    return response.content.decode("utf-8")


def without_examples(node):
    """The schema minus its examples: those are the demo brand's data (Chinese store names), not
    the schema's language."""
    if isinstance(node, dict):
        return {key: without_examples(value) for key, value in node.items() if key not in ("example", "examples")}
    if isinstance(node, list):
        return [without_examples(value) for value in node]
    return node


@pytest.fixture
def schema_text(db, client) -> str:
    return served(client, "zh-hans")


def test_a_chinese_and_an_english_client_get_the_same_schema_byte_for_byte(db, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    chinese, english, default = served(client, "zh-hans"), served(client, "en"), served(client)
    assert chinese == english == default
    as_json = {
        lang: client.get(SCHEMA, HTTP_ACCEPT_LANGUAGE=lang, HTTP_ACCEPT="application/vnd.oai.openapi+json")
        for lang in ("zh-hans", "en")
    }
    assert as_json["zh-hans"].content == as_json["en"].content


def test_the_schema_view_ignores_the_lang_parameter_too(db, client):
    assert served(client, "en") == client.get(SCHEMA, {"lang": "zh-hans"}).content.decode("utf-8")


def test_the_schema_has_no_chinese_but_in_its_examples_whatever_the_default_language(db, client, settings):
    for default in ("zh-hans", "en"):
        settings.LANGUAGE_CODE = default
        text = yaml.safe_dump(without_examples(yaml.safe_load(served(client, "zh-hans"))), allow_unicode=True)
        assert not CJK.findall(text), sorted(set(CJK.findall(text)))[:20]


def test_the_command_writes_the_schema_the_view_serves(db, client, tmp_path, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    assert target.read_text(encoding="utf-8") == served(client, "zh-hans")


def test_enum_components_have_stable_english_names(schema_text):
    components = yaml.safe_load(schema_text)["components"]["schemas"]
    enums = {name for name, body in components.items() if "enum" in body}
    assert all(name.isascii() and re.fullmatch(r"[A-Z][A-Za-z]*Enum", name) for name in enums), enums
    # Each named in ENUM_NAME_OVERRIDES: none is derived from a serializer's name by a collision.
    assert enums == {
        "ActionItemStatusEnum",
        "AssignmentStatusEnum",
        "ChannelEnum",
        "CoachingReportStatusEnum",
        "DaypartEnum",
        "DisputeStatusEnum",
        "ItemTypeEnum",
        "LanguageEnum",
        "OutcomeEnum",
        "PhotoStatusEnum",
        "UnfilledReasonEnum",
        "VersionStatusEnum",
        "VisitFlagEnum",
        "VisitStatusEnum",
        "WaveStatusEnum",
    }


def test_query_parameter_titles_are_english(schema_text):
    # Generated clients name inline enums after these titles (AuditorAssignmentsList状态 before).
    schema = yaml.safe_load(schema_text)
    status = next(
        parameter
        for parameter in schema["paths"]["/api/auditor/assignments/"]["get"]["parameters"]
        if parameter["name"] == "status"
    )
    # Spectacular leaves out a title that says only what the name says.
    assert status["schema"].get("title", "Status") == "Status"


def test_api_messages_still_follow_accept_language(db, api):
    chinese = api.get("/api/stores/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = api.get("/api/stores/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 401
    assert CJK.search(chinese.json()["detail"]), chinese.json()
    assert english.json()["detail"] == "Authentication credentials were not provided."


def test_the_schema_and_its_readers_are_not_in_the_schema(schema_text):
    paths = yaml.safe_load(schema_text)["paths"]
    assert not {"/api/schema/", "/api/docs/", "/api/redoc/"} & set(paths)
    tags = {tag for methods in paths.values() for operation in methods.values() for tag in operation.get("tags", [])}
    assert not {"schema", "docs", "redoc"} & tags


def test_the_redoc_bundle_is_served_with_no_remote_image(db, client):
    response = client.get("/api/redoc/redoc.standalone.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert not re.search(rb'src:"https?://', response.content)
    assert b"Redoc" in response.content
