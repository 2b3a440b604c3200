"""English is a real second language of the portal: the catalogue has no string left in
Indonesian, and a page asked for in English reads in English."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if re.search(r"^msgid ", block, re.M)]


def test_every_entry_is_translated_and_none_is_a_guess():
    blocks = entries(CATALOGUE.read_text())[1:]  # the first is the header
    fuzzy = [b for b in blocks if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    empty = [b for b in blocks if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', b, re.M)]
    assert not fuzzy, "fuzzy (guessed) translations:\n" + "\n\n".join(fuzzy[:5])
    assert not empty, "untranslated:\n" + "\n\n".join(empty[:5])


def test_the_login_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page
    assert "Password" in page and "Kata sandi" not in page
