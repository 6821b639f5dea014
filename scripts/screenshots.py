#!/usr/bin/env python3
"""Screenshots of every page, per role, in Chinese and English, at phone and wall size.

    python scripts/screenshots.py                   # starts its own server with sample data
    python scripts/screenshots.py --url http://127.0.0.1:5000 --password PW   # a running one,
                                                    # with users named after their roles
Writes screenshots/<role>-<page>-<lang>-<size>.png (git-ignored).
"""
import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.live import PASSWORD, SEED_USERS, LiveServer, launch_browser  # noqa: E402

SIZES = {"phone": (375, 812), "wall": (2560, 1440)}
LOCALES = {"zh": "zh-CN", "en": "en-US"}

SAMPLE = """
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User
op = db.session.scalar(db.select(User).where(User.username == "operator"))
rows = [
    ("leak", "emergency", "+8613800138000", "王芳", "幸福小区3号楼2单元 楼下", "小区门口主管道爆裂，水像喷泉一样往外冒，路面已经积水，车辆无法通行。"),
    ("repair", "normal", "+8613800138000", "王芳", "幸福小区3号楼2单元501室", "厨房水龙头一直滴水，关不紧，希望明天上午上门维修。"),
    ("complaint", "normal", "+8613912345678", "李建国", "和平路18号", "上周报修的水表至今没人来处理，打了三次电话都说马上安排。"),
    ("billing", "low", "+8613700001111", "Zhang Wei", "7 Riverside Lane", "Asks why this month's bill is twice the usual amount."),
    ("leak", "urgent", "+8615011112222", None, "Station Road / Park Avenue junction", "Low pressure on the whole street since 6 am; the caller runs a restaurant and cannot cook."),
    ("theft_report", "normal", "+8618600009999", "匿名", "建设路工地", "工地私接消防栓用水，夜间施工时尤其明显。"),
]
for code, prio, phone, name, addr, matter in rows:
    t = services.create_ticket(TicketCreate(category=code, priority=prio, matter=matter,
        caller={"phone": phone, "name": name}, address=addr,
        facts={"when": "今天早上7点", "where": addr} if code == "leak" else None,
        confidential=code == "theft_report"), op, Channel.PHONE)
    services.add_note(t, "已电话联系来电人，确认地址无误。", op)
services.create_ticket(TicketCreate(category="consultation", matter="询问停水通知的具体时间。",
    caller={"phone": "+8613800138000", "name": "王芳"}, answer="明天9:00至17:00停水，请提前储水。"), op, Channel.PHONE)
wrong = services.create_ticket(TicketCreate(category="other", matter="Wrong number, asked for the gas company.",
    caller={"phone": "+8613800000000"}), op, Channel.PHONE)
services.cancel_ticket(wrong, "Not our service: transferred to the gas hotline.", op, None)
"""


def shoot(browser, base: str, password: str, out: Path) -> list[Path]:
    made = []
    for lang, locale in LOCALES.items():
        for size, (w, h) in SIZES.items():
            def context():
                return browser.new_context(locale=locale, viewport={"width": w, "height": h})

            def snap(page, name):
                path = out / f"{name}-{lang}-{size}.png"
                page.screenshot(path=str(path), full_page=True)
                made.append(path)

            ctx = context()
            page = ctx.new_page()
            page.goto(base + "/login")
            snap(page, "anon-login")
            page.fill("#username", "nobody")
            page.fill("#password", "wrong")
            page.click("button[type=submit]")
            snap(page, "anon-login-error")
            ctx.close()

            for role in ("operator", "supervisor", "dispatcher", "crew", "admin"):
                ctx = context()
                page = ctx.new_page()
                page.goto(base + "/login")
                page.fill("#username", role)
                page.fill("#password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                if role == "operator":
                    page.goto(base + "/console")
                    snap(page, "operator-console-empty")
                    page.locator("#f-caller-phone").press_sequentially("138 0013 8000")
                    page.locator("#repeat").wait_for(state="visible")
                    page.locator("#f-category").fill("1")
                    page.locator("#f-category").press("Enter")
                    page.locator("#f-matter").fill("询问明天停水的时间和范围。")
                    snap(page, "operator-console-history")
                    page.locator("#f-category").fill("2")
                    page.locator("#f-category").press("Enter")
                    page.locator("label.seg.prio-emergency").click()
                    page.locator("#facts summary").click()
                    page.locator("#f-caller-phone").fill("123")
                    page.keyboard.press("Control+Enter")
                    page.locator('[data-error-for="caller.phone"]').wait_for(state="visible")
                    snap(page, "operator-console-error")
                    page.locator("#f-caller-phone").fill("13800138000")
                    page.keyboard.press("Control+Enter")
                    page.locator("#saved-link").wait_for(state="visible")
                    snap(page, "operator-console-saved")
                if role != "admin":
                    page.goto(base + "/tickets")
                    snap(page, f"{role}-tickets")
                    first = page.locator("a.number").first
                    if first.count():
                        first.click()
                        page.wait_for_load_state()
                        snap(page, f"{role}-ticket")
                    if role == "supervisor":
                        page.goto(base + "/tickets?from=yesterday&priority=x")
                        snap(page, "supervisor-tickets-errors")
                else:
                    page.goto(base + "/settings/categories")
                    snap(page, "admin-categories")
                    page.locator("form.cat-row").last.locator("input[name=code]").fill("Bad Code")
                    page.locator("form.cat-row").last.locator("button[type=submit]").click()
                    page.wait_for_load_state()
                    snap(page, "admin-categories-error")
                page.goto(base + "/settings")
                snap(page, f"{role}-settings")
                page.goto(base + "/tickets/00000000-0000")
                if role == "operator":
                    snap(page, "operator-404")
                ctx.close()
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one with sample data)")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)

    from playwright.sync_api import sync_playwright

    server = None
    if not args.url:
        server = LiveServer(Path(tempfile.mkdtemp(prefix="hotline-shots-"))).start()
        server.run_in_app(SEED_USERS)
        server.run_in_app(SAMPLE)
        from screenshots_dispatch import DISPATCH_SAMPLE  # units and work in every stage

        server.run_in_app(DISPATCH_SAMPLE)
    base = (args.url or server.url).rstrip("/")
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            made = shoot(browser, base, args.password, out)
            if server:  # the dispatch pages need the dispatch sample (crew1 and its work)
                from screenshots_dispatch import shoot_dispatch

                made += shoot_dispatch(browser, base, args.password, out)
            browser.close()
    finally:
        if server:
            server.stop()
    for path in made:
        print(re.sub(r"^" + re.escape(str(ROOT)) + "/", "", str(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
