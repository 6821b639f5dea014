"""SLA settings in a real browser: an admin opens a policy's edit form, changes its
minutes, saves and reads the new target in the table; a supervisor sees the same pages
read-only. With HOTLINE_SCREENSHOTS=<folder>, the pages are also shot in zh and en at
phone and wall size."""
import os
from pathlib import Path

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "wall": {"width": 1920, "height": 1080}}
# A center holiday and an extra working day inside the 60 days the grid shows.
EXCEPTIONS = """
from datetime import timedelta
from hotline.core import clock
from hotline.sla.models import Calendar, CalendarDay
from hotline.units.models import Area
from sqlalchemy.orm.attributes import flag_modified
cal = db.session.get(Calendar, 1)
if not cal.days:
    today = clock.local().date()
    db.session.add(CalendarDay(calendar=cal, day=today + timedelta(days=9), working=False, note="Centre move"))
    db.session.add(CalendarDay(calendar=cal, day=today + timedelta(days=13), working=True, note="Flood drill"))
    flag_modified(cal, "hours")
    db.session.add_all([Area(name="Chongming", outside_city=True), Area(name="Huangpu", outside_city=False)])
"""


def _page(browser, server, user, locale="en-US", size="wall"):
    context = browser.new_context(locale=locale, viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    return context, page


def test_admin_edits_a_policys_minutes_and_sees_it_in_the_table(live_server, browser):
    context, page = _page(browser, live_server, "admin")
    try:
        page.goto(live_server.url + "/settings/sla/policies")
        arrive = page.locator("#stage-arrive").locator("xpath=..")
        row = arrive.locator(".policy-row[data-policy]").first
        assert row.locator(".target").inner_text().strip() == "40 min"
        row.locator("summary").click()
        form = row.locator("form")
        form.locator("input[name=minutes]").fill("35")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "Policy saved" in page.locator(".flash").inner_text()
        row = page.locator("#stage-arrive").locator("xpath=..").locator(".policy-row[data-policy]").first
        assert row.locator(".target").inner_text().strip() == "35 min"
        assert row.locator(".outside").inner_text().strip() == "50 min"

        # A bad value comes back beside its field, with what was typed still there.
        row.locator("summary").click()
        row.locator("input[name=minutes]").fill("0")
        row.locator("button[type=submit]").click()
        page.wait_for_load_state()
        open_form = page.locator("details.row-edit[open] form")
        assert open_form.locator("input[name=minutes]").input_value() == "0"
        assert open_form.locator(".field-error:not([hidden])").first.inner_text() == "Must be more than zero."
    finally:
        context.close()


def test_supervisor_reads_without_forms(live_server, browser):
    context, page = _page(browser, live_server, "supervisor")
    try:
        page.goto(live_server.url + "/settings/sla/policies")
        assert page.locator(".readonly-note").is_visible()
        assert page.locator("main form").count() == 0
        page.goto(live_server.url + "/settings/sla/calendars")
        assert page.locator("table.month").count() >= 2
        assert page.locator("form.preview-form").count() == 1  # the preview is for readers too
    finally:
        context.close()


@pytest.mark.skipif(not os.environ.get("HOTLINE_SCREENSHOTS"), reason="set HOTLINE_SCREENSHOTS=<folder> to shoot the pages")
def test_screenshots(live_server, browser):
    out = Path(os.environ["HOTLINE_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    live_server.run_in_app(EXCEPTIONS)
    for lang, locale in (("zh", "zh-CN"), ("en", "en-US")):
        for size in SIZES:
            context, page = _page(browser, live_server, "admin", locale, size)
            try:
                for name, path in (
                    ("policies", "/settings/sla/policies"),
                    ("calendars", "/settings/sla/calendars?preview=1&amount=2&unit=d"),
                    ("areas", "/settings/sla/areas"),
                ):
                    page.goto(live_server.url + path)
                    page.screenshot(path=str(out / f"sla-{name}-{lang}-{size}.png"), full_page=True)
                page.goto(live_server.url + "/settings/sla/policies")
                page.locator("#stage-reply").locator("xpath=..").locator("summary").first.click()
                page.screenshot(path=str(out / f"sla-policy-edit-{lang}-{size}.png"), full_page=True)
            finally:
                context.close()
