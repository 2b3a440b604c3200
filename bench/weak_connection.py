"""Benchmark: the signing page on a weak connection, as production serves it.

    .venv/bin/python bench/weak_connection.py [--runs 5] [--write]

Production-like: DEBUG=0, static files collected (`collectstatic`) into a temporary folder and
served by whitenoise's compressed manifest storage, gunicorn (2 sync workers) on loopback, a
throwaway SQLite database with the demo data (`seed_demo`). A logged-in ASN opens the signing
page in Debian's Chromium (Playwright) at 360x740 with an emulated slow 3G network (CDP
Network.emulateNetworkConditions: 400 kbit/s down and up, 400 ms round trip) and a 4x CPU
slowdown (Emulation.setCPUThrottlingRate). Each run is a fresh browser context:

- first visit, cold cache: bytes received (CDP encodedDataLength: headers and bodies as they
  came over the wire) and the time until the page is usable;
- repeat visit, warm cache (the same context opens the page again in a new tab): the same two.

"Usable" is the moment the signature pad is ready (signature_pad loaded, its canvas sized to
the screen by sign.js) and every tick box of the pledge is shown and enabled; it is taken in the
page (performance.now(), from the start of navigation), checked every 20 ms. Goals (issue #16):
at most 100 KB first, 15 KB repeat, usable within 3 s. --write records the medians in
docs/benchmarks.md, "Weak connection".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from lib import report as md
from lib.django_setup import setup as setup_django
from lib.machine import machine
from lib.procs import Gunicorn, manage

KBIT = 1000 / 8  # bytes per second in one kbit/s
NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 400 * KBIT,
           "uploadThroughput": 400 * KBIT}  # fmt: skip
CPU_SLOWDOWN = 4
GOALS = {"first": 100_000, "repeat": 15_000, "usable": 3.0}

# Polls from the first script run of the document until the pad and the ticks are usable.
USABLE = """
(() => {
  const check = () => {
    const canvas = document.getElementById("signature-pad");
    const boxes = [...document.querySelectorAll("input[name^=point_]")];
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    if (canvas && window.SignaturePad && canvas.offsetWidth > 0
        && canvas.width === Math.round(canvas.offsetWidth * ratio)
        && boxes.length && boxes.every((box) => !box.disabled && box.offsetParent !== null)) {
      window.__usableAt = performance.now();
      return;
    }
    setTimeout(check, 20);
  };
  check();
})();
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="weak-"))
    server = None
    try:
        os.environ["STATIC_ROOT"] = str(tmp / "static")
        os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        setup_django(f"sqlite:///{tmp / 'db.sqlite3'}", debug=False, tmp=tmp)
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
        manage("collectstatic", "--noinput", "-v0", env=env)
        manage("migrate", "-v0", env=env)
        manage("seed_demo", "--staff-per-unit", "2", env=env, capture=True)
        path, cookie = signing_session()
        server = Gunicorn(2, env, tmp / "gunicorn.log")
        url = f"http://127.0.0.1:{server.port}{path}"
        runs = [measure(url, cookie) for _ in range(args.runs)]
        for number, run in enumerate(runs, start=1):
            print(f"run {number}: " + ", ".join(f"{k} {v}" for k, v in run.items()
                                                if k != "files"))  # fmt: skip
        summary = summarise(runs)
        print(summary)
        if args.write:
            md.write("## Weak connection (bench/weak_connection.py)", [
                ("bench/weak_connection.py", "", summary),
            ])  # fmt: skip
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def signing_session() -> tuple[str, dict]:
    """The demo teacher's session cookie and the path of the open campaign's signing page."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from pledges.demo import PRACTICE_TITLE
    from pledges.models import Campaign
    from portal.models import User

    user = User.objects.filter(employee__jabatan__startswith="Guru",
                               employee__instansi__code="belu").get()  # fmt: skip
    campaign = Campaign.objects.get(instansi=user.employee.instansi, title=PRACTICE_TITLE)
    client = Client()
    client.force_login(user, backend="portal.backends.UserBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Secure in production; over loopback http the browser is handed it without the flag.
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": value, "domain": "127.0.0.1",
              "path": "/", "httpOnly": True, "secure": False}  # fmt: skip
    return reverse("pledges:sign", args=[campaign.pk]), cookie


def measure(url: str, cookie: dict) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ])  # fmt: skip
        context = browser.new_context(viewport={"width": 360, "height": 740},
                                      device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="id-ID")  # fmt: skip
        context.add_cookies([cookie])
        context.add_init_script(USABLE)
        first = visit(context, url)
        repeat = visit(context, url)
        browser.close()
    return {"first_bytes": first[0], "first_usable": first[1], "repeat_bytes": repeat[0],
            "repeat_usable": repeat[1], "files": first[2]}  # fmt: skip


def visit(context, url: str) -> tuple[int, float, dict[str, int]]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(
        e["requestId"], int(e["encodedDataLength"])))  # fmt: skip
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_function("window.__usableAt !== undefined", timeout=60_000)
    usable = page.evaluate("window.__usableAt") / 1000
    page.wait_for_load_state("networkidle")
    assert "/masuk/" not in page.url, "not logged in"
    files = {
        urls.get(key, key).split("/")[-1] or "page": size
        for key, size in received.items()
        if not urls.get(key, "").startswith("data:")
    }
    page.close()
    return sum(received.values()), round(usable, 2), files


def summarise(runs: list[dict]) -> str:
    def median(key):
        return statistics.median(run[key] for run in runs)

    first, repeat, usable = median("first_bytes"), median("repeat_bytes"), median("first_usable")
    rows = [
        ["first visit (cold cache)", f"{first / 1000:.1f} KB", f"{usable:.2f} s",
         f"≤ {GOALS['first'] // 1000} KB, ≤ {GOALS['usable']:.0f} s",
         "met" if first <= GOALS["first"] and usable <= GOALS["usable"] else "MISSED"],
        ["repeat visit (warm cache)", f"{repeat / 1000:.1f} KB",
         f"{median('repeat_usable'):.2f} s", f"≤ {GOALS['repeat'] // 1000} KB",
         "met" if repeat <= GOALS["repeat"] else "MISSED"],
    ]  # fmt: skip
    files = sorted(runs[0]["files"].items(), key=lambda item: -item[1])
    return "\n".join([
        f"Machine: {machine()}.",
        "",
        "Command: `.venv/bin/python bench/weak_connection.py --runs "
        f"{len(runs)} --write` (medians of {len(runs)} runs; slow 3G: 400 kbit/s, 400 ms RTT; "
        f"CPU {CPU_SLOWDOWN}x slower; DEBUG=0, whitenoise compressed manifest static).",
        "",
        md.table(["visit", "bytes received", "usable after", "goal", ""], rows),
        "Each run (first visit KB / s, repeat KB / s): "
        + "; ".join(f"{r['first_bytes'] / 1000:.1f} / {r['first_usable']:.2f}, "
                    f"{r['repeat_bytes'] / 1000:.1f} / {r['repeat_usable']:.2f}" for r in runs)
        + ".",
        "",
        "",
        "First visit, by file (first run, bytes over the wire): "
        + ", ".join(f"{name} {size / 1000:.1f} KB" for name, size in files) + ".",
    ])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
