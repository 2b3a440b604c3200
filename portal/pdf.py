"""HTML to PDF with WeasyPrint, shared by every document the portal issues (portal.documents).

WeasyPrint is imported lazily (about half a second). What does not change between documents
is made once per process and reused (issue #18 wants a dozen certificates a second per worker):
the FontConfiguration (font discovery is the slow part of a first render), each distinct
<style> block of the templates, parsed and its selectors compiled as a weasyprint.CSS, and a
user-agent stylesheet cut down to the elements the documents use (portal/pdf_ua.css).

Images reach the templates as base64 data: URIs (logo, signature, QR code). WeasyPrint's HTML
parser walks a long attribute value slowly, character class by character class, so layout()
hands them over as bytes under a short name instead. And pydyf compresses every stream at
zlib level 9, which for a page of text saves a few dozen bytes over level 6 at a sixth of the
render's instructions spent in zlib: documents use level 6.
"""

from __future__ import annotations

import base64
import functools
import re
import zlib
from pathlib import Path

from django.conf import settings

UA_STYLESHEET = Path(__file__).with_name("pdf_ua.css")
DATA_URI = re.compile(r'src="data:([\w.+/-]+);base64,([A-Za-z0-9+/=]*)"')
INLINE = "inline:"
# The document templates write plain <style> blocks; their text varies only with the paper
# size and the density (pdf/_page.html, pdf/certificate.html), so a few dozen at most.
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _base_url() -> str:
    return str(Path(settings.BASE_DIR) / "static")


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=64)
def _stylesheet(text: str):
    from weasyprint import CSS

    return CSS(string=text, base_url=_base_url(), font_config=_font_config())


class _Level6Zlib:
    """zlib for pydyf, with level 6 whatever level pydyf asks for (see the module docstring)."""

    def compressobj(self, level=-1, *args, **kwargs):
        return zlib.compressobj(6, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(zlib, name)


@functools.cache
def _weasyprint():
    """weasyprint's HTML subclass and URL fetcher for documents, made once per process."""
    import pydyf
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Level6Zlib()
    user_agent = CSS(filename=str(UA_STYLESHEET))

    class DocumentHTML(HTML):
        """WeasyPrint's HTML with the documents' own user-agent stylesheet."""

        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    class InlineImages(URLFetcher):
        """Serves the images taken out of one document by their short names; any other URL
        as WeasyPrint would."""

        def __init__(self, images: dict[str, tuple[str, bytes]]) -> None:
            super().__init__()
            self.images = images

        def fetch(self, url, headers=None):
            if url in self.images:
                mime, data = self.images[url]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            return super().fetch(url, headers)

    return DocumentHTML, InlineImages


def _take_images(html: str) -> tuple[str, dict[str, tuple[str, bytes]]]:
    """The HTML with each data: image replaced by a short name, and the images by name."""
    images: dict[str, tuple[str, bytes]] = {}
    named: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        uri = match.group(0)
        if uri not in named:  # the same image twice is fetched once
            named[uri] = f"{INLINE}{len(named)}"
            images[named[uri]] = (match.group(1), base64.b64decode(match.group(2)))
        return f'src="{named[uri]}"'

    return DATA_URI.sub(replace, html), images


def layout(html: str, *, pdf_variant: str | None = None):
    """The laid-out WeasyPrint Document (pages counted before writing). Relative URLs and
    images load from static/, never over HTTP.

    The <style> blocks are taken out of the HTML and given as the same stylesheets, in the same
    order, after the document's own (there are none left): the cascade is unchanged."""
    document_html, inline_images = _weasyprint()
    sheets = [_stylesheet(text) for text in STYLE_BLOCK.findall(html)]
    body, images = _take_images(STYLE_BLOCK.sub("", html))
    return (
        document_html(string=body, base_url=_base_url(), url_fetcher=inline_images(images))
        .render(font_config=_font_config(), pdf_variant=pdf_variant, stylesheets=sheets)
    )  # fmt: skip


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    return layout(html, pdf_variant=pdf_variant).write_pdf(pdf_variant=pdf_variant)
