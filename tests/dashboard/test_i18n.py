"""Every page in Simplified Chinese (the default) and English, switchable; the catalogue compiled."""

from __future__ import annotations

import gettext
import pathlib

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.dashboard.conftest import PERIOD, between

LOCALE = pathlib.Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _catalogue(path: pathlib.Path) -> dict:
    """Every message of a compiled catalogue; the header's volatile dates left out (msgfmt drops some)."""
    with path.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)
    header = catalogue.pop("", "")
    catalogue[""] = [line for line in header.splitlines() if not line.startswith(("POT-Creation-Date", "PO-Revision"))]
    return catalogue


def test_the_committed_mo_is_compiled_from_the_committed_po(tmp_path):
    """Users may lack gettext, so the .mo is committed; it must say exactly what the .po says."""
    compiled = tmp_path / "django.mo"
    polib.pofile(str(LOCALE / "django.po")).save_as_mofile(str(compiled))
    assert _catalogue(LOCALE / "django.mo") == _catalogue(compiled), (
        "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run manage.py compilemessages -l zh_Hans --ignore=.venv"
    )


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("zh-hans", ["区域门店对比", "排名表", "下载 CSV", 'lang="zh-hans"', "2026年1月1日"], ["League table"]),
        ("en", ["Regional comparison", "League table", "Download CSV", 'lang="en"', "Jan. 1, 2026"], ["排名表"]),
    ],
)
def test_pages_render_in_the_language_asked_for(dataset, browser, settings, language, expected, absent):
    settings.LANGUAGE_CODE = language
    html = browser.as_user(dataset.world.regional_manager_east).get(f"/comparison/?{PERIOD}").content.decode()
    for text in expected:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_chinese_is_the_default_language(dataset, browser, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = browser.as_user(dataset.world.store_manager_bund).get(f"/stores/SH-BUND/?{PERIOD}").content.decode()
    assert "已发布暗访" in html and "生成辅导报告 PDF" in html and "午餐" in html  # the daypart choice too
    assert 'data-msg-done="报告已生成。"' in html  # the script's messages come from the page


def test_the_language_switcher_is_on_every_page_and_switches(dataset, browser, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    anonymous = Client()
    client = browser.as_user(dataset.world.store_manager_bund)
    for page_client, url in ((anonymous, reverse("dashboard:login")), (client, f"/stores/SH-BUND/?{PERIOD}")):
        html = page_client.get(url).content.decode()
        form = between(html, '<form id="language-switcher"', "</form>")
        assert f'action="{reverse("set_language")}"' in form and 'method="post"' in form
        assert '<label for="language-select">语言</label>' in form
        assert '<option value="en" lang="en">English</option>' in form
    response = client.post(reverse("set_language"), {"language": "en", "next": f"/stores/SH-BUND/?{PERIOD}"})
    assert response.status_code == 302 and response["Location"] == f"/stores/SH-BUND/?{PERIOD}"
    html = client.get(response["Location"]).content.decode()
    assert 'lang="en"' in html and "Released visits" in html


def test_numbers_and_dates_follow_the_language(dataset, browser, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = browser.as_user(dataset.world.store_manager_bund).get(f"/stores/SH-BUND/?{PERIOD}").content.decode()
    row = between(html, f'data-reference="{dataset.bund_visits[1].reference}"', "</tr>")
    assert "2026年1月20日" in row and "81.0" in row
    svg = between(html, '<svg id="trend-chart"', "</svg>")
    assert ">1月<" in svg and ">2026<" in svg
