"""Documents render with a cut-down user-agent stylesheet (portal/pdf_ua.css): an element a
document template uses but that stylesheet does not know would silently lose its defaults
(a <strong> printed in normal weight, a <ul> without bullets)."""

import re
from pathlib import Path

from django.conf import settings

PDF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "pdf"
UA_STYLESHEET = Path(settings.BASE_DIR) / "portal" / "pdf_ua.css"
# Inline elements whose browser defaults are none at all: nothing to copy.
NO_DEFAULTS = {"span", "a"}


def test_every_element_of_a_document_template_has_its_default_style():
    used = set()
    for template in PDF_TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"<([a-z][a-z0-9]*)\b", template.read_text()))
    css = re.sub(r"/\*.*?\*/", "", UA_STYLESHEET.read_text(), flags=re.S)
    styled = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)(?=[\s,{>:)])", css))
    missing = sorted(used - styled - NO_DEFAULTS)
    assert not missing, f"add the rules of html5_ua.css for {missing} to portal/pdf_ua.css"
