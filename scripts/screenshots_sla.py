#!/usr/bin/env python3
"""Screenshots of the supervisor's deadlines page (/sla) on a demo center, in Chinese and
English, on a wall (1920x1080) and a phone (390x844):

    python scripts/screenshots_sla.py
Writes screenshots/sla-<lang>-<size>.png (git-ignored). The demo is seeded before the
server starts, so its scheduler never sweeps half-made history."""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.live import LiveServer, launch_browser  # noqa: E402

LOCALES = {"zh": "zh-CN", "en": "en-US"}
SIZES = {"wall": (1920, 1080), "phone": (390, 844)}
SEED = "from hotline.demo import seed_demo\nfor line in seed_demo(tickets=200, days=10):\n    pass\n"


def shoot(browser, base: str, out: Path) -> list[Path]:
    made = []
    for lang, locale in LOCALES.items():
        for size, (w, h) in SIZES.items():
            ctx = browser.new_context(locale=locale, viewport={"width": w, "height": h},
                                      is_mobile=size == "phone", has_touch=size == "phone")
            page = ctx.new_page()
            page.goto(base + "/login")
            page.fill("#username", "lead1")
            page.fill("#password", "zhiban-lead1")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(base + "/sla")
            page.locator('#live-state[data-state="live"]').wait_for()
            page.locator("#ontime thead").wait_for()
            page.wait_for_timeout(800)
            path = out / f"sla-{lang}-{size}.png"
            page.screenshot(path=str(path))
            made.append(path)
            if size == "phone":  # the long list aside: what lies below it
                path = out / f"sla-{lang}-{size}-side.png"
                page.locator(".sla-side").screenshot(path=str(path))
                made.append(path)
            ctx.close()
    return made


def main() -> int:
    from playwright.sync_api import sync_playwright

    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    server = LiveServer(Path(tempfile.mkdtemp(prefix="hotline-sla-shots-")))
    server.instance.mkdir(parents=True, exist_ok=True)
    server._run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"])
    server.run_in_app(SEED)
    server.start()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            made = shoot(browser, server.url, out)
            browser.close()
    finally:
        server.stop()
    for path in made:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
