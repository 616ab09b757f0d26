"""Pages that are not there, or not yours, answer with the dashboard's own page in your language."""

from django.utils import translation


def test_someone_elses_store_is_a_translated_404_page_with_a_way_back(world, client, settings):
    client.force_login(world.store_manager_bund)
    english = client.get("/stores/BJ-WFJ/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode() and 'href="/"' in english.content.decode()

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        chinese = client.get("/stores/BJ-WFJ/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 404 and "页面不存在" in chinese.content.decode()
    assert "王府井" not in chinese.content.decode()
