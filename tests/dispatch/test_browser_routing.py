"""The routing settings page and the audit log in a real browser: an admin adds a rule
and previews where a ticket would go; a manager finds the change in the audit log and
exports it. The pages run no inline script."""
import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _page(browser, server, user, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    return context, page


def _no_inline_script(page):
    inline = page.evaluate("""() => [...document.scripts].filter(s => !s.src && s.type !== 'application/json').length
        + document.querySelectorAll('[onclick],[onchange],[onsubmit],[onload]').length""")
    assert inline == 0


def test_admin_adds_a_rule_previews_it_and_the_manager_reads_the_log(live_server, browser):
    ctx, page = _page(browser, live_server, "admin")
    try:
        page.goto(live_server.url + "/settings/routing")
        _no_inline_script(page)
        assert "No rule yet" in page.locator("main").inner_text()
        form = page.locator("form[aria-label='New rule']")
        form.locator("select[name=category]").select_option("leak")
        form.locator("input[name=area]").fill("North")
        form.locator("select[name=unit]").select_option("north")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "Routing rule added" in page.locator(".flashes").inner_text()
        row = page.locator("tr[data-rule]")
        assert row.count() == 1 and "North branch" in row.inner_text()

        # The same pair again: the form says so beside the area, keeping what was typed.
        form = page.locator("form[aria-label='New rule']")
        form.locator("select[name=category]").select_option("leak")
        form.locator("input[name=area]").fill("North")
        form.locator("select[name=unit]").select_option("north")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        error = page.locator("#err-new-area")
        assert error.is_visible() and "already" in error.inner_text()

        preview = page.locator("form[aria-label='Preview']")
        preview.locator("select[name=category]").select_option("leak")
        preview.locator("input[name=area]").fill("North")
        preview.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "North branch" in page.locator("#preview-result").inner_text()
        preview = page.locator("form[aria-label='Preview']")
        preview.locator("input[name=area]").fill("South")
        preview.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "No rule: stays at the center." in page.locator("#preview-result").inner_text()
    finally:
        ctx.close()

    ctx, page = _page(browser, live_server, "manager", locale="zh-CN")
    try:
        page.goto(live_server.url + "/audit")
        _no_inline_script(page)
        assert page.locator("h1").inner_text() == "审计日志"
        page.locator("#f-action").fill("routing.")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        rows = page.locator("tr[data-entry]")
        assert rows.count() == 1
        text = rows.first.inner_text()
        assert "创建派单规则" in text and "Admin One" in text and "North" in text
        with page.expect_download() as download:
            page.locator("a[href^='/audit.csv']").click()
        with open(download.value.path(), encoding="utf-8-sig") as f:
            body = f.read()
        assert "routing.create" in body and "auth." not in body.split("\n", 1)[0]
    finally:
        ctx.close()
