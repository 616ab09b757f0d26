"""HTML to PDF with WeasyPrint, for the coaching report.

- The CJK font is embedded through ``@font-face`` (see ``coaching.pdf.assets``); a missing font
  stops the render with a message naming the package instead of printing boxes.
- One ``FontConfiguration`` and one parsed stylesheet per process: loading a 16 MB CJK font for
  every PDF would cost time and memory on each render.
- Resources are fetched by ``_fetch`` only: the embedded font, and ``media:`` URLs read through
  Django's storage (local disk or S3). Nothing is fetched from the network, so a stray URL in an
  auditor's comment cannot make the server call out.
- Metadata (title, author, creator) name the brand and the store, never an auditor.
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile

from coaching.pdf import assets

assets.preload_subsetter()
_strict_images = ImageFile.LOAD_TRUNCATED_IMAGES

import weasyprint  # noqa: E402  (HarfBuzz's subsetter must be loaded before WeasyPrint looks for it)
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported, which would let
# truncated photo uploads through intake (audits.photos) in any process that renders PDFs.
# The report embeds only photos intake already re-encoded, so Pillow's strict default is kept.
ImageFile.LOAD_TRUNCATED_IMAGES = _strict_images

STYLESHEET = Path(__file__).with_name("coaching.css")
MEDIA_SCHEME = "media:"


class RenderError(RuntimeError):
    """The PDF could not be made; the message is safe to show to the person who asked for it."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


class _Fetcher(URLFetcher):
    """Our font files and ``media:`` files from Django's storage; anything else is refused.

    A ``file:`` URL is percent-decoded and resolved *before* it is checked, and what is read is the
    resolved path: ``file://<font dir>/..%2F..%2Fetc%2Fpasswd`` names ``/etc/passwd``, not a font.
    """

    def __init__(self, font_dir: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self._font_dir = font_dir.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(MEDIA_SCHEME):
            name = url[len(MEDIA_SCHEME) :]
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            mime_type = mimetypes.guess_type(name)[0] or "image/jpeg"
            return URLFetcherResponse(url, content, {"Content-Type": mime_type})
        if url.startswith("data:"):
            return super().fetch(url, headers)
        font = self.font_file(url)
        if font is not None:
            return super().fetch(font.as_uri(), headers)
        raise ValueError(f"The coaching report loads no outside resources ({url[:60]!r}).")

    def font_file(self, url: str) -> Path | None:
        """The font file a ``file:`` URL names once decoded and resolved, or None if it names anything else."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.parent == self._font_dir and path.is_file() else None


class _Engine:
    """The per-process font configuration and stylesheet, made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._prepared: tuple[FontConfiguration, weasyprint.CSS, _Fetcher] | None = None

    def _prepare(self) -> tuple[FontConfiguration, weasyprint.CSS, _Fetcher]:
        try:
            paths = assets.font_paths()
        except assets.MissingFont as error:
            raise RenderError(str(error)) from error
        fetcher = _Fetcher(next(iter(paths.values())).parent)
        font_faces = "".join(
            f'@font-face {{ font-family: "Incognito Sans"; src: url("{path.as_uri()}"); font-weight: {weight}; }}\n'
            for weight, path in paths.items()
        )
        fonts = FontConfiguration()
        css = weasyprint.CSS(
            string=font_faces + STYLESHEET.read_text(encoding="utf-8"), font_config=fonts, url_fetcher=fetcher
        )
        return fonts, css, fetcher

    def render(self, html: str) -> RenderedPdf:
        with self._lock:
            if self._prepared is None:
                self._prepared = self._prepare()
            fonts, css, fetcher = self._prepared
            document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url="/").render(
                stylesheets=[css], font_config=fonts
            )
            return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


_engine = _Engine()


def render_html(template: str, context: dict, *, language: str) -> RenderedPdf:
    """Render a Django template in ``language`` to a PDF with the report stylesheet and fonts."""
    with translation.override(language):
        html = render_to_string(template, {**context, "brand": brand(), "language": language})
    return _engine.render(html)


def brand() -> dict:
    return {"name": settings.INCOGNITO["BRAND_NAME"], "colour": settings.INCOGNITO.get("BRAND_COLOUR", "#b5121b")}
