"""HTML to PDF with WeasyPrint, shared by every document the portal issues (portal.documents).

WeasyPrint is imported lazily (about half a second). What does not change between documents
is made once per process and reused (issue #18 wants a dozen certificates a second per worker):
the FontConfiguration (font discovery is the slow part of a first render), each distinct
<style> block of the templates, parsed and its selectors compiled as a weasyprint.CSS, and a
user-agent stylesheet cut down to the elements the documents use (portal/pdf_ua.css).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.conf import settings

UA_STYLESHEET = Path(__file__).with_name("pdf_ua.css")
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


@functools.cache
def _html_class():
    from weasyprint import CSS, HTML

    user_agent = CSS(filename=str(UA_STYLESHEET))

    class DocumentHTML(HTML):
        """WeasyPrint's HTML with the documents' own user-agent stylesheet."""

        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return DocumentHTML


def layout(html: str, *, pdf_variant: str | None = None):
    """The laid-out WeasyPrint Document (pages counted before writing). Relative URLs and
    images load from static/, never over HTTP.

    The <style> blocks are taken out of the HTML and given as the same stylesheets, in the same
    order, after the document's own (there are none left): the cascade is unchanged."""
    sheets = [_stylesheet(text) for text in STYLE_BLOCK.findall(html)]
    body = STYLE_BLOCK.sub("", html)
    return (
        _html_class()(string=body, base_url=_base_url())
        .render(font_config=_font_config(), pdf_variant=pdf_variant, stylesheets=sheets)
    )  # fmt: skip


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    return layout(html, pdf_variant=pdf_variant).write_pdf(pdf_variant=pdf_variant)
