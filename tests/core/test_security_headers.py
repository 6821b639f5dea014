"""Security headers on every answer (hotline/core/security_headers.py): pages, API answers
(success and errors), redirects, exports, static files; `Cache-Control: no-store` on all
but static files and /healthz; HSTS only when served over HTTPS. And the templates and
scripts keep to the policy: no inline script, no inline event handler, no eval."""
import re
from pathlib import Path

import pytest
from fixtures.app import login

from hotline.core.config import load_config
from hotline.core.security_headers import CSP

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response, *, cached=False):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    assert "Permissions-Policy" in response.headers
    assert "Strict-Transport-Security" not in response.headers
    if not cached:
        assert response.headers.get("Cache-Control") == "no-store", response.request.path


def test_the_policy_forbids_inline_script_and_framing():
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP


def test_every_page_and_api_list_as_each_role(app, client, users):
    """Every GET route without parameters, as each role: whatever the status (200, 403,
    a redirect), the answer carries the headers and is not stored."""
    rules = [r for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.endpoint not in ("static", "health.healthz")]
    assert len(rules) > 20
    for role in ("operator", "dispatcher", "supervisor", "manager", "admin", "crew", "board"):
        c = app.test_client()
        login(c, role)
        for rule in rules:
            assert_secured(c.get(rule.rule))


def test_anonymous_answers_errors_and_redirects(client):
    assert_secured(client.get("/login"))
    assert_secured(client.get("/"))  # a redirect to sign in
    assert_secured(client.get("/api/v1/tickets"))  # 401 JSON
    assert_secured(client.get("/no-such-page"))  # 404 page
    assert_secured(client.delete("/login"))  # 405


def test_api_answers_and_errors(api):
    assert_secured(api("operator").get("/api/v1/tickets"))
    assert_secured(api("operator").get("/api/v1/tickets/HL-99999999-9999"))  # 404
    assert_secured(api("operator").post("/api/v1/tickets", json={"channel": 5}))  # 422
    assert_secured(api("crew").get("/api/v1/routing-rules"))  # 403


def test_a_csv_export(session_client):
    c, _ = session_client("supervisor")
    response = c.get("/sla/alerts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert_secured(response)


def test_static_files_and_health_keep_their_caching(client):
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert_secured(static, cached=True)
    assert static.headers.get("Cache-Control") != "no-store"
    health = client.get("/healthz")
    assert_secured(health, cached=True)
    assert health.headers.get("Cache-Control") != "no-store"


def test_hsts_only_when_served_over_https(app, client, monkeypatch):
    monkeypatch.delenv("HOTLINE_SECURE_COOKIES", raising=False)
    assert load_config()["HSTS_SECONDS"] == 0
    monkeypatch.setenv("HOTLINE_SECURE_COOKIES", "1")
    assert load_config()["HSTS_SECONDS"] == 31536000

    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["HSTS_SECONDS"] = load_config()["HSTS_SECONDS"]
    for path in ("/login", "/api/v1/tickets", "/static/css/app.css"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- the sources keep to the policy ---------------------------------------------------------

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted(p for p in (ROOT / "static" / "js").rglob("*.js"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.I | re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script(path):
    text = path.read_text()
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, \
            f"{path.name}: inline <script{attributes}>: move it to static/js (data: a JSON island)"
    assert not HANDLER.search(text), f"{path.name}: an inline event handler (on...=): use a listener in static/js"
    assert "javascript:" not in text
    assert not re.search(r"\sstyle\s*=|<style", text), f"{path.name}: inline style: use static/css"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_scripts_build_no_code_from_strings(path):
    text = path.read_text()
    for banned in ("eval(", "new Function", "javascript:", "innerHTML", "insertAdjacentHTML", "setAttribute(\"on"):
        assert banned not in text, f"{path.name}: {banned}"
    assert not re.search(r"""setTimeout\(\s*["'`]|setInterval\(\s*["'`]""", text), "a timer given code as a string"
