"""Every page every role can reach fits a 360 px phone and has no serious accessibility issue.

The pages are found by walking links from each role's home (tests/e2e/walk.py, shared with the
screenshot gallery), so a page added later is swept as soon as something links to it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e import walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
# The page itself must not scroll sideways; a wide table may scroll inside its own box.
WIDTH = "document.documentElement.scrollWidth"


def test_every_page_of_every_role_fits_a_phone(live_server, browser, settings):
    settings.SITE_URL = live_server.url
    personas = walk.seed()
    axe = Axe()
    problems: list[str] = []
    report: list[str] = []
    for persona in personas:
        context = browser.new_context(viewport=walk.PHONE, locale="id-ID")
        page = context.new_page()

        def check(page, path, persona=persona):
            width = page.evaluate(WIDTH)
            if width > walk.PHONE["width"]:
                problems.append(f"{persona.key} {path}: {width} px wide")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in BLOCKING:
                    node = violation["nodes"][0]
                    why = " ".join((node.get("failureSummary") or "").split())[:160]
                    targets = f"{len(violation['nodes'])}x {node['target']} {why}"
                    problems.append(f"{persona.key} {path}: axe {violation['id']} "
                                    f"[{violation['impact']}] {targets}")  # fmt: skip

        visited = walk.walk(page, live_server.url, persona, visit=check)
        context.close()
        report.append(f"{persona.key} ({len(visited)}): {' '.join(visited)}")
        assert len(visited) >= 2, f"{persona.key} reached only {visited}"
    assert not problems, "\n".join(
        ["Too wide or inaccessible:", *problems, "", "Visited:", *report]
    )
