#!/usr/bin/env python3
"""Screenshots of the dispatch pages: wall board (wall and phone), desk, crew page (phone),
in Chinese and English. Called by scripts/screenshots.py; runs alone too:

    python scripts/screenshots_dispatch.py      # its own server with sample data
Writes screenshots/dispatch-<page>-<lang>-<size>.png (git-ignored).
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from fixtures.live import PASSWORD, SEED_USERS, LiveServer, launch_browser  # noqa: E402

LOCALES = {"zh": "zh-CN", "en": "en-US"}

# Units and work in every stage, on top of the sample tickets of scripts/screenshots.py.
DISPATCH_SAMPLE = """
from datetime import timedelta
from hotline.core import clock
from hotline.tickets import services as tickets
from hotline.tickets.models import Channel, Ticket
from hotline.tickets.schemas import TicketCreate
from hotline.units.models import Unit, UnitKind
from hotline.users.models import Role, User
from hotline.users.services import create_user
from dispatch.workorders import services as work
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
north.name = "北区分公司 North branch"
crews = []
for code, name in [("north-crew-1", "北区抢修一队 North crew 1"), ("north-crew-2", "北区抢修二队 North crew 2")]:
    u = Unit(code=code, name=name, kind=UnitKind.CREW, parent=north)
    db.session.add(u)
    crews.append(u)
south = Unit(code="south", name="南区分公司 South branch", kind=UnitKind.BRANCH)
office = Unit(code="complaints", name="投诉办 Complaint office", kind=UnitKind.OFFICE)
db.session.add_all([south, office])
db.session.flush()
create_user("crew1", PASSWORD, Role.CREW, "张师傅", crews[0].id)
op = db.session.scalar(db.select(User).where(User.username == "operator"))
disp = db.session.scalar(db.select(User).where(User.username == "dispatcher"))
crew1 = db.session.scalar(db.select(User).where(User.username == "crew1"))
def new(cat, prio, addr, matter, minutes):
    t = tickets.create_ticket(TicketCreate(category=cat, priority=prio, matter=matter, address=addr,
        caller={"phone": "+8613600136000", "name": "陈女士"}), op, Channel.PHONE)
    t.created_at = clock.now() - timedelta(minutes=minutes)
    db.session.flush()
    return t
a = new("leak", "emergency", "人民路与解放路交叉口 阀门井", "阀门井冒水，路面塌陷风险。", 23)
work.dispatch_ticket(a, crews[0], disp, None, "带上封堵器材，先关闸")
db.session.flush()
work.advance(a, "accept", crew1, None)
b = new("repair", "urgent", "幸福小区12号楼 地下室", "地下室水管接口漏水。", 95)
work.dispatch_ticket(b, crews[0], disp, None, None)
c = new("repair", "normal", "光明街56号", "水表箱盖丢失。", 180)
work.dispatch_ticket(c, crews[1], disp, None, None)
db.session.flush()
work.advance(c, "accept", disp, None)
work.advance(c, "on_site", disp, None)
d = new("complaint", "normal", "和平路18号", "对抄表时间不满意。", 300)
work.dispatch_ticket(d, south, disp, None, None)
db.session.flush()
sup = db.session.scalar(db.select(User).where(User.username == "supervisor"))
work.return_ticket(d, "不属于南区，和平路归北区管辖", sup, None)
"""


def _sign_in(page, base, user, password):
    page.goto(base + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shoot_dispatch(browser, base: str, password: str, out: Path) -> list[Path]:
    made = []

    def snap(page, name, full=True):
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        made.append(path)

    def open_page(user, path, locale, size, **kw):
        ctx = browser.new_context(locale=locale, viewport={"width": size[0], "height": size[1]}, **kw)
        page = ctx.new_page()
        _sign_in(page, base, user, password)
        page.goto(base + path)
        page.locator('#live-state[data-state="live"]').wait_for()
        page.wait_for_timeout(1200)  # the snapshot rendered, ages ticked
        return ctx, page

    for lang, locale in LOCALES.items():
        for size, dims in {"wall": (2560, 1440), "phone": (375, 812)}.items():
            ctx, page = open_page("dispatcher", "/board", locale, dims)
            snap(page, f"dispatch-board-{lang}-{size}", full=size == "phone")
            ctx.close()
        ctx, page = open_page("dispatcher", "/dispatch", locale, (1440, 900))
        snap(page, f"dispatch-desk-{lang}-desk")
        page.locator("#progress .job .transfer-open").first.click()
        page.locator("#progress .transfer-form button[type=submit]").first.click()  # empty: the error shows
        snap(page, f"dispatch-desk-transfer-{lang}-desk")
        ctx.close()
        ctx, page = open_page("dispatcher", "/dispatch", locale, (375, 812))
        snap(page, f"dispatch-desk-{lang}-phone")
        ctx.close()
        ctx, page = open_page("crew1", "/crew", locale, (375, 812), has_touch=True, is_mobile=True)
        snap(page, f"dispatch-crew-{lang}-phone")
        resolve = page.locator(".order.status-accepted .steps button").filter(has_text=page.evaluate("Hotline.t('resolve')"))
        if resolve.count():
            resolve.first.click()
            snap(page, f"dispatch-crew-resolve-{lang}-phone")
        ctx.close()
    return made


def seed(server: LiveServer) -> None:
    from screenshots import SAMPLE

    server.run_in_app(SAMPLE)
    server.run_in_app(DISPATCH_SAMPLE)


def main() -> int:
    from playwright.sync_api import sync_playwright

    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    server = LiveServer(Path(tempfile.mkdtemp(prefix="hotline-dispatch-shots-"))).start()
    try:
        server.run_in_app(SEED_USERS)
        seed(server)
        with sync_playwright() as p:
            browser = launch_browser(p)
            made = shoot_dispatch(browser, server.url, PASSWORD, out)
            browser.close()
    finally:
        server.stop()
    for path in made:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
