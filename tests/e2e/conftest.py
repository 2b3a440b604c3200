import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# An assertion waits up to 15 s instead of Playwright's 5: the certificate is rendered on
# commit, before the thank-you page, and CI runs two test processes on two cores.
expect.set_options(timeout=15_000)

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_no_media():
    """MEDIA_URL is None (media goes through permission-checked views only), which the live
    server's media handler cannot parse; a URL on another host makes it serve nothing."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_URL="http://media.invalid/"):
        yield


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Reduced motion, as a phone's accessibility setting would ask: Bootstrap then opens the
    collapsed menu at once instead of over 350 ms, during which a click on a menu still being
    revealed lands on whatever lies under it (a flaky failure seen under CI load)."""
    return {**browser_context_args, "reduced_motion": "reduce"}


def open_menu(page, name: str):
    """Open a dropdown of the main navigation and return the navigation. Bootstrap is a
    deferred, low-priority script: a click before it has run opens nothing (a CI flake)."""
    page.wait_for_function("() => window.bootstrap !== undefined")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    button = nav.get_by_role("button", name=name)
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    return nav
