"""Every URL, every parameter it reads, with a NUL character, an overlong value and an integer
no database column holds: the answer is a clear 4xx (or the page as usual), never a 500.

The URLs and personas come from the permission sweep; each URL is tried as a persona allowed
there. Parameters are the path's own and every form field the page renders, plus the query
parameters the views read.
"""

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import login
from tests.test_permission_sweep import MATRIX, world  # noqa: F401 - the fixture is used

pytestmark = pytest.mark.django_db

NUL = "Maria\x00Bere"
OVERLONG = "x" * 5000
OVERFLOW = "9" * 25
BAD_VALUES = {"nul": NUL, "overlong": OVERLONG, "overflow": OVERFLOW, "word": "abc"}
# Query parameters the list views read (besides their forms' fields).
QUERY_PARAMS = ["page", "sort", "kind", "status", "user", "action", "q", "unit", "next"]
PREFERRED = ["bkd", "sekda", "inspektorat", "head", "asn", "auditor", "anonymous"]


class FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea") and name and name != "csrfmiddlewaretoken":
            self.names.add(name)


def field_names(html: str) -> set[str]:
    parser = FieldNames()
    parser.feed(html)
    return parser.names


def persona_for(allowed: set[str]) -> str:
    return next(p for p in PREFERRED if p in allowed)


def browser(users, persona, client):
    return client if persona == "anonymous" else login(users[persona])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_bad_values_in_every_parameter(name, world, client):  # noqa: F811
    users, kwargs = world
    method, builder, allowed = MATRIX[name]
    persona = persona_for(allowed)
    url = reverse(name, kwargs=kwargs[builder] if builder else None)
    agent = browser(users, persona, client)
    names = set(QUERY_PARAMS)
    if method == "get":
        page = agent.get(url)
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            names |= field_names(page.content.decode())
    for label, value in BAD_VALUES.items():
        cache.clear()  # rate limits are not what this sweep is about
        data = {n: [value, value] for n in names}
        for send in ("get", "post"):
            response = getattr(agent, send)(url, data)
            assert response.status_code < 500, (name, send, label, response.status_code)


@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row[1]))
def test_bad_values_in_every_path_segment(name, world, client):  # noqa: F811
    users, kwargs = world
    method, builder, allowed = MATRIX[name]
    agent = browser(users, persona_for(allowed), client)
    good = kwargs[builder]
    for key in good:
        for label, value in BAD_VALUES.items():
            cache.clear()
            url = reverse(name, kwargs=good)
            marker = f"/{quote(str(good[key]))}"
            bad = url.replace(marker, f"/{quote(value)}", 1)
            if bad == url:
                continue  # the value sits inside a longer segment (e.g. "templat.<fmt>")
            response = getattr(agent, method)(bad)
            assert response.status_code < 500, (name, key, label, response.status_code)
