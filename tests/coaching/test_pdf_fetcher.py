"""The PDF renderer's resource fetcher: the last barrier if HTML ever reaches the coaching report."""

from __future__ import annotations

from pathlib import Path

import pytest

from coaching.pdf.render import _Fetcher


@pytest.fixture
def font_dir(tmp_path: Path) -> Path:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "NotoSansSC-Regular.otf").write_bytes(b"OTTO font bytes")
    (tmp_path / "secret.txt").write_text("not a font")
    return fonts


def test_a_font_of_the_font_directory_is_fetched(font_dir):
    response = _Fetcher(font_dir).fetch((font_dir / "NotoSansSC-Regular.otf").as_uri())
    assert response.read() == b"OTTO font bytes"


@pytest.mark.parametrize(
    "path",
    [
        "/..%2Fsecret.txt",
        "/%2E%2E/secret.txt",
        "/../secret.txt",
        "/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    ],
)
def test_a_percent_encoded_path_out_of_the_font_directory_is_refused(font_dir, path):
    with pytest.raises(ValueError, match="no outside resources"):
        _Fetcher(font_dir).fetch(font_dir.as_uri() + path)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.com/x.png", "ftp://x/y"],
)
def test_anything_but_our_fonts_data_and_media_is_refused(font_dir, url):
    with pytest.raises(ValueError, match="no outside resources"):
        _Fetcher(font_dir).fetch(url)


def test_a_font_url_on_another_host_is_refused(font_dir):
    with pytest.raises(ValueError):
        _Fetcher(font_dir).fetch("file://evil.example" + str(font_dir / "NotoSansSC-Regular.otf"))
